using System.Globalization;

namespace MemGrowth.Validation.Replay;

/// <summary>
/// Reads the agent's --trace CSV (kind,pid,start_ticks,time,file_bytes,anon_bytes,swap_bytes,shmem_bytes,comm,age,received)
/// into one <see cref="ProcessTrace"/> per process (pid and start ticks, so a reused pid is another process).
/// </summary>
internal static class TraceCsv
{
    public const string Header = "kind,pid,start_ticks,time,file_bytes,anon_bytes,swap_bytes,shmem_bytes,comm,age,received";

    /// <exception cref="FormatException">The header is not the one this version writes, naming the line.</exception>
    public static IReadOnlyDictionary<(int Pid, ulong StartTicks), ProcessTrace> Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var building = new Dictionary<(int, ulong), Builder>();
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (number == 1)
            {
                if (line != Header)
                {
                    throw new FormatException($"line 1 of the trace is '{line}', expected '{Header}': record it again with this version's `memgrowth run --trace`");
                }

                continue;
            }

            var f = line.Split(',');
            if (f.Length != 11)
            {
                continue; // a line cut short when the agent stopped
            }

            var key = (int.Parse(f[1], CultureInfo.InvariantCulture), ulong.Parse(f[2], CultureInfo.InvariantCulture));
            var time = Double(f[3]);
            var age = Double(f[9]);
            var received = Double(f[10]);
            if (!building.TryGetValue(key, out var b))
            {
                b = new Builder(f[8], time - age, received);
                building[key] = b;
            }

            b.Comm = f[8];
            if (f[0] == "Exit")
            {
                b.Exit = time;
                b.ExitReceived = received;
            }
            else
            {
                b.Samples.Add(new TraceSample(time, age, Long(f[4]), Long(f[5]), Long(f[6]), Long(f[7])));
            }
        }

        return building.ToDictionary(
            p => p.Key,
            p => new ProcessTrace(p.Key.Item1, p.Key.Item2, p.Value.Comm, p.Value.Start, p.Value.FirstReceived,
                [.. p.Value.Samples.OrderBy(s => s.Time)], p.Value.Exit, p.Value.ExitReceived));
    }

    private static double Double(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static long Long(string text) => long.Parse(text, CultureInfo.InvariantCulture);

    private sealed class Builder(string comm, double start, double firstReceived)
    {
        public string Comm { get; set; } = comm;

        public double Start { get; } = start;

        public double FirstReceived { get; } = firstReceived;

        public List<TraceSample> Samples { get; } = [];

        public double? Exit { get; set; }

        public double? ExitReceived { get; set; }
    }
}
