using Akka.Actor;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.Trends;

/// <summary>
/// Owns the live <see cref="TrendProjection"/> for as long as it lives. Run as a cluster singleton on the
/// analytics role beside the read model's (<see cref="ReadModel.ProjectionSingleton"/>), apart from it: one
/// trend projection per fleet, which moves (resuming from its stored offset) when its node leaves or dies.
/// </summary>
public sealed class TrendProjectionSingleton : ReceiveActor
{
    private readonly JournalDatabase _database;
    private readonly string _connectionString;
    private readonly IActorRef _trends;
    private TrendProjection? _projection;

    public TrendProjectionSingleton(JournalDatabase database, string connectionString, IActorRef trends)
    {
        _database = database;
        _connectionString = connectionString;
        _trends = trends;
    }

    /// <param name="trends">The trend entities' shard region on this node.</param>
    public static Props Props(JournalDatabase database, string connectionString, IActorRef trends) =>
        Akka.Actor.Props.Create(() => new TrendProjectionSingleton(database, connectionString, trends));

    protected override void PreStart() => _projection = TrendProjection.Start(Context.System, _database, _connectionString, _trends);

    // Stops the stream without waiting for it (see ProjectionSingleton.PostStop): the offset is stored after
    // each batch is fed, so a batch cut short is fed again by the next owner, and the trends take it as nothing new.
    protected override void PostStop()
    {
        if (_projection is { } projection)
        {
            _ = projection.DisposeAsync().AsTask();
        }
    }
}
