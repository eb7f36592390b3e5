using System.CommandLine;
using MemGrowth.NodeAgent.Agent;
using static MemGrowth.Cli.Commands.OptionParsers;

namespace MemGrowth.Cli.Commands;

/// <summary>
/// The flags of <c>memgrowth run</c>, which <c>memgrowth agent</c> takes too: each one set on the command line
/// wins over config/memgrowth.hocon (or <c>--config FILE</c>).
/// </summary>
internal sealed class RunFlags
{
    /// <summary>Where the config file is looked for without <c>--config</c>: beside the binary.</summary>
    public static readonly string DefaultConfig = Path.Combine(AppContext.BaseDirectory, "config", "memgrowth.hocon");

    public Option<SourceKind> Source { get; } = Parsed("--source", "bpf|procfs", "where samples come from (default bpf)", AgentOptions.ParseSource);

    public Option<string?> Jsonl { get; } = Text("--jsonl", "PATH|-", "also write one JSON object per line (- for stdout)");

    public Option<TimeSpan> Interval { get; } = Parsed("--interval", "DURATION", "coalescing interval, e.g. 1s, 500ms (default 1s)", Duration);

    public Option<long> MinDelta { get; } = Parsed("--min-delta", "SIZE", "smallest RSS move worth a sample, e.g. 32KiB", Size);

    public Option<double> Threshold { get; } = Parsed("--threshold", "X", "confidence that raises a detection, 0..1 (default 0.6)", Number);

    public Option<uint> MaxProcesses { get; } = Parsed("--max-processes", "N", "size of the probe's process map (32768, or 32k)", text =>
        Size(text) is var n && n <= uint.MaxValue ? (uint)n : throw new FormatException($"'{text}' is more than {uint.MaxValue}"));

    public Option<string?> StatusFile { get; } = Text("--status-file", "PATH", "counters for `memgrowth status` (\"\" to disable)");

    public Option<string?> Config { get; } = Text("--config", "FILE", "HOCON file instead of config/memgrowth.hocon");

    public Option<TimeSpan> StopAfter { get; } = Parsed("--duration", "DURATION", "stop after this long", Duration);

    public Option<string?> Trace { get; } = Text("--trace", "PATH", "write every sample to a CSV file, for offline replay");

    public Option<bool> Quiet { get; } = Flag("--quiet", "no human-readable lines on the console");

    public Option<bool> WatchSelf { get; } = Flag("--watch-self", "also report MemGrowth's own nodes (run, agent, analytics) on this host");

    /// <summary>Every flag, in the order help lists them.</summary>
    public IEnumerable<Option> All => [Source, Jsonl, Interval, MinDelta, Threshold, MaxProcesses, StatusFile, Config, StopAfter, Trace, Quiet, WatchSelf];

    /// <summary>The config file's settings with the command line's over them (not yet validated).</summary>
    /// <exception cref="ArgumentException">The config file is missing, not HOCON, or has an unknown key or a bad value.</exception>
    public AgentOptions Bind(ParseResult result)
    {
        var options = AgentOptions.Load(result.GetValue(Config) ?? DefaultConfig);
        return options with
        {
            Source = result.Over(Source, options.Source),
            JsonlPath = result.Over(Jsonl, options.JsonlPath),
            Interval = result.Over(Interval, options.Interval),
            MinDeltaBytes = result.Over(MinDelta, options.MinDeltaBytes),
            ConfidenceThreshold = result.Over(Threshold, options.ConfidenceThreshold),
            MaxProcesses = result.Over(MaxProcesses, options.MaxProcesses),
            StatusFile = NullIfEmpty(result.Over(StatusFile, options.StatusFile)),
            Duration = result.GetResult(StopAfter) is null ? options.Duration : result.GetValue(StopAfter),
            TracePath = result.Over(Trace, options.TracePath),
            Quiet = result.Over(Quiet, options.Quiet),
            WatchSelf = result.Over(WatchSelf, options.WatchSelf),
        };
    }

    public static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
