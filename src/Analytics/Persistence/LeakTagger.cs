using Akka.Persistence.Journal;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// Tags every <see cref="LeakEvent"/> "leak" as it is journaled, so a reader can follow all leaks in
/// journal order with EventsByTag (the read model itself follows all events, which covers journals whose
/// tags an older build kept in the tag table). An adapter bound in <see cref="JournalConfig"/> rather than a Tagged
/// wrapper in the entity: the entity keeps persisting plain events, and what the read side needs stays
/// with the journal's configuration.
/// </summary>
public sealed class LeakTagger : IWriteEventAdapter
{
    public const string Tag = "leak";

    private static readonly string[] Tags = [Tag];

    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) => evt is LeakEvent ? new Tagged(evt, Tags) : evt;
}
