using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Leaks;

/// <summary>
/// Reads every leak back from the journal through Akka.Persistence.Query (current persistence ids, then
/// each one's events folded through <see cref="LeakState.Apply"/>): what `memgrowth leaks` lists.
/// </summary>
public static class LeakHistory
{
    public static async Task<IReadOnlyList<LeakState>> ReadAllAsync(ActorSystem system, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(system);
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var materializer = system.Materializer();
        var ids = await journal.CurrentPersistenceIds()
            .Where(id => id.StartsWith("leak-", StringComparison.Ordinal))
            .RunWith(Sink.Seq<string>(), materializer).WaitAsync(ct).ConfigureAwait(false);
        var leaks = new List<LeakState>();
        foreach (var id in ids)
        {
            var events = await journal.CurrentEventsByPersistenceId(id, 0, long.MaxValue)
                .Select(e => e.Event)
                .RunWith(Sink.Seq<object>(), materializer).WaitAsync(ct).ConfigureAwait(false);
            var state = events.OfType<LeakEvent>().Aggregate((LeakState?)null, LeakState.Apply);
            if (state is not null)
            {
                leaks.Add(state);
            }
        }

        return leaks;
    }
}
