using System.Data.Common;
using System.Diagnostics;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.NodeAgent.Fleet;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Tools.Bench;

/// <summary>
/// When each of a host's synthetic detections shows up in the read model: polls every 20 ms how many
/// reports each of its leaks' rows counts (leak_rows.reports, written in the transaction that stores the
/// reports); detection n (leak n mod L, its (n div L)-th report, see <see cref="IngestBenchmark.Synthetic"/>)
/// is taken as visible when its leak's count first exceeds that index. One row per leak is read each time,
/// so the probe costs the database the same at the run's end as at its start (counting the reports
/// themselves scanned a table that grew by 20,000 rows a second, 50 times a second, and took a third of
/// the database's CPU from what it measured).
/// </summary>
internal static class ReadModelWatch
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(20);

    /// <returns>Stopwatch timestamps, one per detection, at which the read model held it.</returns>
    public static async Task<long[]> RunAsync(FleetOptions fleet, IngestOptions options, CancellationToken ct)
    {
        var count = options.Count;
        var leaks = options.Leaks;
        var visible = new long[count];
        var leakOf = new Dictionary<string, int>(leaks, StringComparer.Ordinal);
        for (var leak = 0; leak < Math.Min(leaks, count); leak++)
        {
            leakOf[LeakEntity.PersistenceIdOf(LeakId.Of(IngestBenchmark.Synthetic(options, leak)))] = leak;
        }

        var reported = new int[leaks]; // per leak: how many of its reports are known visible
        var seen = 0;
        await using var connection = await new ReadModelStore(fleet.Database, fleet.ConnectionString).OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT persistence_id, reports FROM leak_rows WHERE persistence_id >= @low AND persistence_id < @high";
        var low = command.CreateParameter();
        low.ParameterName = "@low";
        low.Value = "leak-" + options.Host + "/";
        var high = command.CreateParameter();
        high.ParameterName = "@high";
        high.Value = "leak-" + options.Host + "0"; // '0' follows '/'
        command.Parameters.Add(low);
        command.Parameters.Add(high);
        while (seen < count)
        {
            try
            {
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var now = Stopwatch.GetTimestamp();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    if (!leakOf.TryGetValue(reader.GetString(0), out var leak))
                    {
                        continue;
                    }

                    var reports = reader.GetInt32(1);
                    for (; reported[leak] < reports; reported[leak]++)
                    {
                        var n = (long)reported[leak] * leaks + leak;
                        if (n < count && visible[n] == 0)
                        {
                            visible[n] = now;
                            seen++;
                        }
                    }
                }
            }
            catch (DbException)
            {
                // the tables are created by the projection's first start
            }

            await Task.Delay(Every, ct).ConfigureAwait(false);
        }

        return visible;
    }
}
