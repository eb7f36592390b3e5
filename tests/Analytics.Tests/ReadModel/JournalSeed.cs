using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.Analytics.Tests.ReadModel;

/// <summary>
/// Journals events through the real journal plugin under the persistence ids and sequence numbers a batch
/// names, for tests that store the batch in the read model directly: the samples behind its reports are
/// read from the journal (<see cref="JournalSamples"/>).
/// </summary>
internal static class JournalSeed
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task WriteAsync(TestDatabase database, IReadOnlyList<ProjectedEvent> batch)
    {
        using var system = ActorSystem.Create("seed", ConfigurationFactory.ParseString(MessageSerializer.Config).WithFallback(database.Journal));
        foreach (var leak in batch.GroupBy(e => e.PersistenceId))
        {
            var events = leak.OrderBy(e => e.SequenceNr).ToList();
            Assert.Equal(Enumerable.Range(1, events.Count).Select(n => (long)n), events.Select(e => e.SequenceNr)); // as a fresh entity numbers them
            var writer = system.ActorOf(Props.Create(() => new Writer(leak.Key)));
            Assert.Equal(events.Count, await writer.Ask<long>(events.Select(e => e.Event).ToList(), Timeout));
        }

        await system.Terminate();
    }

    private sealed class Writer : ReceivePersistentActor
    {
        public Writer(string persistenceId)
        {
            PersistenceId = persistenceId;
            Command<List<LeakEvent>>(events =>
            {
                var sender = Sender;
                PersistAll(events, _ => { });
                DeferAsync(events, _ => sender.Tell(LastSequenceNr));
            });
        }

        public override string PersistenceId { get; }
    }
}
