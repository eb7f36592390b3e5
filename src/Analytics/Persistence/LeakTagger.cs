using Akka.Persistence.Journal;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// Tags every <see cref="LeakEvent"/> "leak" as it is journaled (in the row's tags column), so a reader can
/// follow leaks in journal order with EventsByTag. EventsByTag sees only rows tagged that way: an older
/// build kept tags in the tag table, which is why the read model follows all events instead. An adapter
/// bound in <see cref="JournalConfig"/> rather than a Tagged wrapper in the entity: the entity keeps
/// persisting plain events, and what the read side needs stays with the journal's configuration.
/// </summary>
public sealed class LeakTagger : IWriteEventAdapter
{
    public const string Tag = "leak";

    private static readonly string[] Tags = [Tag];

    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) => evt is LeakEvent ? new Tagged(evt, Tags) : evt;
}
