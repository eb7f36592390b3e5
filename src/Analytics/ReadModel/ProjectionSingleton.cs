using Akka.Actor;
using MemGrowth.Analytics.Persistence;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// Owns the live <see cref="LeakProjection"/> for as long as it lives. Run as a cluster singleton on the
/// analytics role: one projection per fleet, not one per node, and it moves (resuming from the stored
/// offset) when the node running it leaves or dies.
/// </summary>
public sealed class ProjectionSingleton : ReceiveActor
{
    private readonly JournalDatabase _database;
    private readonly string _connectionString;
    private readonly IActorRef? _trends;
    private LeakProjection? _projection;

    public ProjectionSingleton(JournalDatabase database, string connectionString, IActorRef? trends)
    {
        _database = database;
        _connectionString = connectionString;
        _trends = trends;
    }

    /// <param name="trends">The trend entities' shard region on this node, fed each batch first; null for no trends.</param>
    public static Props Props(JournalDatabase database, string connectionString, IActorRef? trends = null) =>
        Akka.Actor.Props.Create(() => new ProjectionSingleton(database, connectionString, trends));

    protected override void PreStart() => _projection = LeakReadModel.Start(Context.System, _database, _connectionString, _trends);

    // Stops the stream without waiting for it: blocking an actor thread on a stream that needs the same
    // dispatcher hung the node's shutdown. The offset is stored with each batch, so a batch cut short is
    // projected again by the next owner, and rows are idempotent.
    protected override void PostStop()
    {
        if (_projection is { } projection)
        {
            _ = projection.DisposeAsync().AsTask();
        }
    }
}
