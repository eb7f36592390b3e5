namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// One sample behind a leak's report, named by the journal event that carried it and its place in that
/// event's samples (persistence id, sequence nr, index). The sequence nr is the report's
/// (<see cref="ReportRow.SequenceNr"/>): the samples of a report are those with its number. Read from the
/// journaled event that carried them (<see cref="JournalSamples"/>).
/// </summary>
public sealed record SampleRow(
    string PersistenceId,
    long SequenceNr,
    int Index,
    DateTimeOffset Time,
    long RssBytes,
    long AnonBytes,
    long FileBytes,
    long SwapBytes);
