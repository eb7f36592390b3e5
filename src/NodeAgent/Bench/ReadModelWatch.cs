using System.Data.Common;
using System.Diagnostics;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.NodeAgent.Fleet;

namespace MemGrowth.NodeAgent.Bench;

/// <summary>
/// When each of a host's synthetic detections shows up in the read model: polls the count of its leak
/// reports every 20 ms; the n-th report is taken as visible when the count first reaches n + 1 (the
/// producer sends them in order, and a leak's reports are projected in order).
/// </summary>
internal static class ReadModelWatch
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(20);

    /// <returns>Stopwatch timestamps, one per detection, at which the read model held it.</returns>
    public static async Task<long[]> RunAsync(FleetOptions fleet, string host, int count, CancellationToken ct)
    {
        var visible = new long[count];
        var seen = 0;
        await using var connection = await new ReadModelStore(fleet.Database, fleet.ConnectionString).OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM leak_reports WHERE persistence_id >= @low AND persistence_id < @high";
        var low = command.CreateParameter();
        low.ParameterName = "@low";
        low.Value = "leak-" + host + "/";
        var high = command.CreateParameter();
        high.ParameterName = "@high";
        high.Value = "leak-" + host + "0"; // '0' follows '/'
        command.Parameters.Add(low);
        command.Parameters.Add(high);
        while (seen < count)
        {
            long now;
            int reports;
            try
            {
                reports = Convert.ToInt32(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
                now = Stopwatch.GetTimestamp();
            }
            catch (DbException)
            {
                reports = seen; // the tables are created by the projection's first start
                now = 0;
            }

            for (; seen < Math.Min(reports, count); seen++)
            {
                visible[seen] = now;
            }

            await Task.Delay(Every, ct).ConfigureAwait(false);
        }

        return visible;
    }
}
