using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using static MemGrowth.Cli.Commands.OptionParsers;

namespace MemGrowth.Cli.Commands;

/// <summary>`memgrowth status`: what the running agent's status file says, with the probe's cost per hit.</summary>
internal sealed class StatusCommand : VerbCommand<StatusOptions>
{
    private readonly Option<string?> _statusFile = Text("--status-file", "PATH", "the agent's status file (default /run/memgrowth/status.json, where `memgrowth run` writes it)");

    private readonly Option<bool> _json = Flag("--json", "the status file as it is, JSON");

    public StatusCommand()
        : base("status", "the running agent's counters and the probe's cost per hit")
    {
        Add(_statusFile);
        Add(_json);
    }

    public override StatusOptions Settings(ParseResult result) =>
        new(result.GetValue(_statusFile) ?? StatusOptions.DefaultStatusFile, result.GetValue(_json));

    protected override Task<int> RunAsync(StatusOptions settings, ParseResult result, CancellationToken ct) => Task.FromResult(Run(settings, Console.Out));

    /// <returns>0, or 1 when no agent is running (no status file).</returns>
    public static int Run(StatusOptions options, TextWriter output)
    {
        var path = options.StatusFile;
        if (!File.Exists(path))
        {
            output.WriteLine($"no agent is running ({path} does not exist): start one with ./memgrowth run");
            return 1;
        }

        var text = File.ReadAllText(path);
        if (options.Json)
        {
            output.WriteLine(text);
            return 0;
        }

        output.Write(Describe(JsonDocument.Parse(text).RootElement, DateTimeOffset.UtcNow));
        return 0;
    }

    public static string Describe(JsonElement s, DateTimeOffset now)
    {
        var c = CultureInfo.InvariantCulture;
        var w = new StringWriter(c);
        var time = s.GetProperty("time").GetDateTimeOffset();
        var age = (now - time).TotalSeconds;
        w.WriteLine($"agent pid {s.GetProperty("pid").GetInt32()}, source {s.GetProperty("source").GetString()}, updated {age:0}s ago{(age > 5 ? " (stale: is the agent still running?)" : "")}");
        w.WriteLine($"tracked processes  {s.GetProperty("tracked_processes").GetInt32()}");
        w.WriteLine($"events received    {s.GetProperty("events_received").GetInt64()}  dropped {s.GetProperty("events_dropped").GetInt64()}");
        if (s.TryGetProperty("probe", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            var hits = p.GetProperty("hits").GetUInt64();
            var samples = p.GetProperty("samples").GetUInt64();
            w.WriteLine($"rss_stat hits      {hits}  samples sent {samples} ({(hits == 0 ? 0 : 100.0 * samples / hits):0.###}% of hits)  flushes {p.GetProperty("flushes").GetUInt64()}  exits {p.GetProperty("exits").GetUInt64()}");
            w.WriteLine($"drops              ring buffer {p.GetProperty("ring_drops").GetUInt64()}  map full {p.GetProperty("map_full").GetUInt64()}");
            w.WriteLine($"not charged        unattributed {p.GetProperty("unattributed").GetUInt64()}  teardown {p.GetProperty("teardown").GetUInt64()}");
            var enabled = p.GetProperty("bpf_stats_enabled").GetBoolean();
            w.WriteLine(enabled ? "probe cost (kernel.bpf_stats_enabled = 1):" : "probe cost: enable with `sysctl kernel.bpf_stats_enabled=1` (it adds its own clock reads)");
            foreach (var prog in p.GetProperty("programs").EnumerateObject())
            {
                var runTime = prog.Value.GetProperty("run_time_ns").GetUInt64();
                var runs = prog.Value.GetProperty("run_count").GetUInt64();
                if (runs > 0)
                {
                    w.WriteLine($"  {prog.Name,-18} {runs,12} runs  {(double)runTime / runs,8:0.0} ns/run");
                }
            }
        }

        if (s.TryGetProperty("outbox", out var o) && o.ValueKind == JsonValueKind.Object)
        {
            w.WriteLine($"outbox             {o.GetProperty("pending").GetInt32()} pending ({o.GetProperty("pending_bytes").GetInt64() >> 10} of {o.GetProperty("max_bytes").GetInt64() >> 10} KiB)  dropped {o.GetProperty("dropped").GetInt64()}  resent {o.GetProperty("resent").GetInt64()}");
            w.WriteLine($"outbox disk        write failures {o.GetProperty("write_failures").GetInt64()}  quarantined {o.GetProperty("quarantined").GetInt64()}  corrupt bytes skipped {o.GetProperty("corrupt_bytes").GetInt64()}");
            if (o.TryGetProperty("fault", out var fault) && fault.ValueKind == JsonValueKind.String)
            {
                w.WriteLine($"outbox fault       {fault.GetString()}: detections are held in memory and the log is written again once it can be");
            }
        }

        return w.ToString();
    }
}
