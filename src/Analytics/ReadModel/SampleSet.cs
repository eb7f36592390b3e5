using System.Globalization;
using System.Text;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// The samples one journal event carried, stored as one read-model row keyed like its report (persistence
/// id, sequence nr), so a batch applied twice stores them once. One row per report, not per sample: a row
/// per sample cost the PostgreSQL projection about 20 µs each and left it seconds behind at a few thousand
/// detections a second. <see cref="Data"/> is "unix-ms,rss,anon,file,swap" per sample, ";" between them:
/// digits, commas and semicolons only.
/// </summary>
public sealed record SampleSet(string PersistenceId, long SequenceNr, int Count, string Data)
{
    /// <summary>The samples event <paramref name="sequenceNr"/> carries; null for none (events without a report, or journaled before samples).</summary>
    public static SampleSet? Of(string persistenceId, long sequenceNr, LeakEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var samples = e switch
        {
            LeakOpened o => o.Samples,
            LeakReported r => r.Samples,
            _ => MemorySamples.Empty,
        };
        if (samples.Count == 0)
        {
            return null;
        }

        var data = new StringBuilder(samples.Count * 48);
        foreach (var s in samples)
        {
            if (data.Length > 0)
            {
                data.Append(';');
            }

            data.Append(CultureInfo.InvariantCulture, $"{s.Time.ToUnixTimeMilliseconds()},{s.RssBytes},{s.AnonBytes},{s.FileBytes},{s.SwapBytes}");
        }

        return new SampleSet(persistenceId, sequenceNr, samples.Count, data.ToString());
    }

    /// <summary>The samples, in the order the event carried them.</summary>
    /// <exception cref="FormatException">The stored data is not in the form written by <see cref="Of"/>.</exception>
    public IEnumerable<SampleRow> Rows()
    {
        var index = 0;
        foreach (var sample in Data.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = sample.Split(',');
            if (f.Length != 5)
            {
                throw new FormatException($"sample {index} of {PersistenceId}#{SequenceNr} has {f.Length} fields, not 5");
            }

            long N(int i) => long.Parse(f[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            yield return new SampleRow(PersistenceId, SequenceNr, index++, DateTimeOffset.FromUnixTimeMilliseconds(N(0)), N(1), N(2), N(3), N(4));
        }
    }
}
