using System.Globalization;

namespace MemGrowth.Tools.Bench;

/// <summary>What `memgrowth bench overhead` is told. Bad values fail here, naming the option.</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        usage: memgrowth bench overhead [options]   (as root: it loads the probe and sets kernel.bpf_stats_enabled)
          --storm-gib N          size of the page-fault storm, GiB (default 2)
          --repeats N            storms per side, without and with the agent (default 7)
          --growers N            synthetic growers for the agent-cost part (default 100)
          --idle N               idle processes for the bpf-vs-procfs part (default 1000)
          --measure-seconds N    how long each agent's CPU is measured (default 30)
          --out PATH             also write the Markdown report here
          --agent PATH           the memgrowth executable to start (default: this one)
        """;

    public double StormGib { get; init; } = 2;

    public int Repeats { get; init; } = 7;

    public int Growers { get; init; } = 100;

    public int Idle { get; init; } = 1000;

    public int MeasureSeconds { get; init; } = 30;

    public string? OutPath { get; init; }

    public string? AgentPath { get; init; }

    public bool Help { get; init; }

    public long StormBytes => (long)(StormGib * (1L << 30));

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value\n{Usage}");
            options = name switch
            {
                "--storm-gib" => options with { StormGib = Positive(Value(), name) },
                "--repeats" => options with { Repeats = Count(Value(), name, min: 1) },
                "--growers" => options with { Growers = Count(Value(), name, min: 1) },
                "--idle" => options with { Idle = Count(Value(), name, min: 0) },
                "--measure-seconds" => options with { MeasureSeconds = Count(Value(), name, min: 1) },
                "--out" => options with { OutPath = Value() },
                "--agent" => options with { AgentPath = Value() },
                "--help" or "-h" => options with { Help = true },
                _ => throw new ArgumentException($"unknown option {name}\n{Usage}"),
            };
        }

        return options;
    }

    private static double Positive(string value, string name) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v)
            ? v
            : throw new ArgumentException($"{name}: '{value}' is not a positive number");

    private static int Count(string value, string name, int min) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min
            ? v
            : throw new ArgumentException($"{name}: '{value}' is not a whole number ≥ {min}");
}
