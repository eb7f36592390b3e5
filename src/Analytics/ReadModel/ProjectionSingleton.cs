using Akka.Actor;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.Retention;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// Owns the live <see cref="LeakProjection"/> for as long as it lives. Run as a cluster singleton on the
/// analytics role: one projection per fleet, not one per node, and it moves (resuming from the stored
/// offset) when the node running it leaves or dies. Beside it runs the history's retention
/// (<see cref="HistorySweeper"/>): one per fleet too.
/// </summary>
public sealed class ProjectionSingleton : ReceiveActor
{
    private readonly JournalDatabase _database;
    private readonly string _connectionString;
    private readonly TimeSpan _retention;
    private LeakProjection? _projection;
    private HistorySweeper? _sweeper;

    public ProjectionSingleton(JournalDatabase database, string connectionString, TimeSpan retention)
    {
        _database = database;
        _connectionString = connectionString;
        _retention = retention;
    }

    /// <param name="retention">How long the history keeps a closed leak (<see cref="HistoryRetention.Default"/> unless given).</param>
    public static Props Props(JournalDatabase database, string connectionString, TimeSpan? retention = null)
    {
        var keep = retention ?? HistoryRetention.Default;
        return Akka.Actor.Props.Create(() => new ProjectionSingleton(database, connectionString, keep));
    }

    protected override void PreStart()
    {
        _projection = LeakReadModel.Start(Context.System, _database, _connectionString);
        _sweeper = HistorySweeper.Start(new ReadModelStore(_database, _connectionString), _retention, Context.System.Log);
    }

    // Stops the stream without waiting for it: blocking an actor thread on a stream that needs the same
    // dispatcher hung the node's shutdown. The offset is stored with each batch, so a batch cut short is
    // projected again by the next owner, and rows are idempotent.
    protected override void PostStop()
    {
        if (_sweeper is { } sweeper)
        {
            _ = sweeper.DisposeAsync().AsTask();
        }

        if (_projection is { } projection)
        {
            _ = projection.DisposeAsync().AsTask();
        }
    }
}
