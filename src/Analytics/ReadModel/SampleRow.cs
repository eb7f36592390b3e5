using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// One sample behind a leak's report, keyed by the journal event that carried it and its place in that
/// event's samples, (persistence id, sequence nr, index), so storing it twice stores it once. The sequence
/// nr is the report's (<see cref="ReportRow.SequenceNr"/>): the samples of a report are those with its number.
/// </summary>
public sealed record SampleRow(
    string PersistenceId,
    long SequenceNr,
    int Index,
    DateTimeOffset Time,
    long RssBytes,
    long AnonBytes,
    long FileBytes,
    long SwapBytes)
{
    /// <summary>The samples event <paramref name="sequenceNr"/> carries (none for events without a report, or journaled before samples).</summary>
    public static IEnumerable<SampleRow> Of(string persistenceId, long sequenceNr, LeakEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var samples = e switch
        {
            LeakOpened o => o.Samples,
            LeakReported r => r.Samples,
            _ => MemorySamples.Empty,
        };
        return samples.Select((s, i) => new SampleRow(persistenceId, sequenceNr, i, s.Time, s.RssBytes, s.AnonBytes, s.FileBytes, s.SwapBytes));
    }
}
