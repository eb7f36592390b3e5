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
        Command<Detection>(d => Handle(LeakDecider.Decide(_state, d), d.Time));
        Command<OomKill>(k => Handle(LeakDecider.DecideOomKill(_state, k.Time), k.Time));
        Command<GetLeak>(_ => Sender.Tell(new LeakSnapshot(Leak, _state, LastSequenceNr)));
    }

    public LeakId Leak { get; }

    public override string PersistenceId { get; }

    public static string PersistenceIdOf(LeakId leak) => "leak-" + leak;

    public static Props Props(LeakId leak) => Akka.Actor.Props.Create(() => new LeakEntity(leak));

    private void Handle(IReadOnlyList<LeakEvent> events, DateTimeOffset time)
    {
        var sender = Sender;
        if (events.Count == 0)
        {
            sender.Tell(new LeakAck(Leak, time, 0));
            return;
        }

        var applied = 0;
        PersistAll(events, e =>
        {
            _state = LeakState.Apply(_state, e);
            if (++applied == events.Count)
            {
                sender.Tell(new LeakAck(Leak, time, events.Count));
            }
        });
    }
}
