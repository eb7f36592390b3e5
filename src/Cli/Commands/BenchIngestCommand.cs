using System.CommandLine;
using MemGrowth.Tools.Bench;
using static MemGrowth.Cli.Commands.OptionParsers;

namespace MemGrowth.Cli.Commands;

/// <summary>`memgrowth bench ingest`: detections per second a fleet's analytics nodes persist, through an agent's own delivery.</summary>
internal sealed class BenchIngestCommand : VerbCommand<IngestOptions>, IHasHelpDetails
{
    private readonly Option<string?> _fleetConfig = Text("--fleet-config", "FILE", "fleet settings (default config/fleet.hocon beside the binary; env overrides apply)");

    private readonly Option<int> _count = Parsed("--count", "N", "detections to deliver (default 100000); 0 only delivers what the outbox holds", WholeNumber(0));

    private readonly Option<int> _leaks = Parsed("--leaks", "N", "distinct leaks they belong to (default 1000): one Detected, then Updated ones", WholeNumber(1));

    private readonly Option<int> _rate = Parsed("--rate", "N", "detections offered per second (default 0: as fast as delivery takes them)", WholeNumber(0));

    private readonly Option<bool> _readModel = Flag("--read-model", "also time each detection until the read model (the fleet's database) holds it");

    private readonly Option<string?> _outbox = Text("--outbox", "DIR", "the outbox (default: a fresh temporary directory, removed at the end)");

    private readonly Option<string?> _host = Text("--host", "NAME", "host name the detections carry (default bench-<random>)");

    private readonly Option<int> _warmUp = Parsed("--warm-up", "N",
        "first deliver N detections of a host of their own, unmeasured, and wait until they are acknowledged (and in the read model): the run then measures warm processes, as on a node that has been up a while (default 0: a cold start)",
        WholeNumber(0));

    private readonly Option<bool> _progress = Flag("--progress", "print \"ingest: acked A/N ...\" every second (for tests and watching)");

    private readonly Option<string?> _out = Text("--out", "PATH", "also write the Markdown result here");

    public BenchIngestCommand()
        : base("ingest", "detections per second a fleet persists, through an agent's own outbox and delivery")
    {
        foreach (var option in new Option[] { _fleetConfig, _count, _leaks, _rate, _readModel, _outbox, _host, _warmUp, _progress, _out })
        {
            Add(option);
        }
    }

    public string HelpDetails => """
        Joins the fleet as an agent and delivers synthetic detections through the agent's own outbox and
        at-least-once delivery to the analytics nodes, then reports detections/s persisted and ack latency.
        """;

    public override IngestOptions Settings(ParseResult result)
    {
        var d = new IngestOptions();
        return d with
        {
            FleetConfig = result.GetValue(_fleetConfig),
            Count = result.Over(_count, d.Count),
            Leaks = result.Over(_leaks, d.Leaks),
            Rate = result.Over(_rate, d.Rate),
            ReadModel = result.GetValue(_readModel),
            Outbox = result.GetValue(_outbox),
            Host = result.GetValue(_host) ?? d.Host,
            WarmUp = result.Over(_warmUp, d.WarmUp),
            Progress = result.GetValue(_progress),
            OutPath = result.GetValue(_out),
        };
    }

    protected override Task<int> RunAsync(IngestOptions settings, ParseResult result, CancellationToken ct) => IngestBenchmark.RunAsync(settings, Console.Out, ct);
}
