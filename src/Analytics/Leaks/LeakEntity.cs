using Akka.Actor;
using Akka.Persistence;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Leaks;

/// <summary>
/// One leaking process, event-sourced: a thin persistent actor around <see cref="LeakDecider"/> (what a
/// command means) and <see cref="LeakState.Apply"/> (what an event does). Duplicates journal nothing and
/// are still acknowledged, so an at-least-once sender can move on.
/// </summary>
public sealed class LeakEntity : ReceivePersistentActor
{
    private LeakState? _state;

    public LeakEntity(LeakId leak)
    {
        Leak = leak;
        PersistenceId = PersistenceIdOf(leak);
        Recover<LeakEvent>(e => _state = LeakState.Apply(_state, e));
        Command<Detection>(d => Handle(LeakDecider.Decide(_state, d), new LeakAck(Leak, d.Time, 0)));
        Command<DeliverDetection>(m => Handle(LeakDecider.Decide(_state, m.Detection), new DetectionAck(m.Producer, m.Seq)));
        Command<OomKill>(k => Handle(LeakDecider.DecideOomKill(_state, k.Time), new LeakAck(Leak, k.Time, 0)));
        Command<GetLeak>(_ => Sender.Tell(new LeakSnapshot(Leak, _state, LastSequenceNr)));
    }

    public LeakId Leak { get; }

    public override string PersistenceId { get; }

    public static string PersistenceIdOf(LeakId leak) => "leak-" + leak;

    public static Props Props(LeakId leak) => Akka.Actor.Props.Create(() => new LeakEntity(leak));

    /// <summary>Journals the events, then acks: only what is safely stored is acknowledged.</summary>
    private void Handle(IReadOnlyList<LeakEvent> events, object ack)
    {
        var sender = Sender;
        if (events.Count == 0)
        {
            sender.Tell(ack);
            return;
        }

        if (ack is LeakAck leakAck)
        {
            ack = leakAck with { Journaled = events.Count };
        }

        var applied = 0;
        PersistAll(events, e =>
        {
            _state = LeakState.Apply(_state, e);
            if (++applied == events.Count)
            {
                sender.Tell(ack);
            }
        });
    }
}
