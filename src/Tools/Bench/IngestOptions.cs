using System.Globalization;

namespace MemGrowth.Tools.Bench;

/// <summary>What `memgrowth bench ingest` is told. Bad values fail here, naming the option.</summary>
public sealed record IngestOptions
{
    public const string Usage = """
        usage: memgrowth bench ingest [options]
          joins the fleet as an agent and delivers synthetic detections through the agent's own outbox and
          at-least-once delivery to the analytics nodes, then reports detections/s persisted and ack latency
          --fleet-config FILE  fleet settings (default config/fleet.hocon beside the binary; env overrides apply)
          --count N            detections to deliver (default 100000); 0 only delivers what the outbox holds
          --leaks N            distinct leaks they belong to (default 1000): one Detected, then Updated ones
          --rate N             detections offered per second (default 0: as fast as delivery takes them)
          --read-model         also time each detection until the read model (the fleet's database) holds it
          --outbox DIR         the outbox (default: a fresh temporary directory, removed at the end)
          --host NAME          host name the detections carry (default bench-<random>)
          --warm-up N          first deliver N detections of a host of their own, unmeasured, and wait until
                               they are acknowledged (and in the read model): the run then measures warm
                               processes, as on a node that has been up a while (default 0: a cold start)
          --progress           print "ingest: acked A/N ..." every second (for tests and watching)
          --out PATH           also write the Markdown result here
        """;

    public string? FleetConfig { get; init; }

    public int Count { get; init; } = 100_000;

    public int Leaks { get; init; } = 1000;

    public int Rate { get; init; }

    public bool ReadModel { get; init; }

    public string? Outbox { get; init; }

    public string Host { get; init; } = "bench-" + Guid.NewGuid().ToString("N")[..8];

    public int WarmUp { get; init; }

    public bool Progress { get; init; }

    public string? OutPath { get; init; }

    public bool Help { get; init; }

    public static IngestOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new IngestOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value\n{Usage}");
            int Count(int least) => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= least
                ? n
                : throw new ArgumentException($"{name} must be a whole number ≥ {least}");
            options = name switch
            {
                "--fleet-config" => options with { FleetConfig = Value() },
                "--count" => options with { Count = Count(0) },
                "--leaks" => options with { Leaks = Count(1) },
                "--rate" => options with { Rate = Count(0) },
                "--read-model" => options with { ReadModel = true },
                "--outbox" => options with { Outbox = Value() },
                "--host" => options with { Host = Value() },
                "--warm-up" => options with { WarmUp = Count(0) },
                "--progress" => options with { Progress = true },
                "--out" => options with { OutPath = Value() },
                "--help" or "-h" => options with { Help = true },
                _ => throw new ArgumentException($"unknown option {name}\n{Usage}"),
            };
        }

        return options;
    }
}
