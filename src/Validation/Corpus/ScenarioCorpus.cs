using MemGrowth.Shared.Growth;

namespace MemGrowth.Validation.Corpus;

/// <summary>
/// The labelled corpus `memgrowth validate` runs: leaks of every shape and memory type, the known-good
/// shapes that look like growth for a moment, two ambiguous shapes scored apart, and many processes at once.
/// Every scenario is data: which grower runs with which parameter ranges, and what it should be called.
/// </summary>
public static class ScenarioCorpus
{
    private const long MiB = 1 << 20;

    public static IReadOnlyList<Scenario> All { get; } =
    [
        // Leaks.
        Leak("linear-64k", "linear leak at 64 KiB/s, the slowest that must be caught (within 60 s)", 0, GrowthPattern.Linear,
            r => Grower("linear", r.Between(0.055, 0.07), 75, noise: r.Between(0, 0.1))),
        Leak("linear-1m", "linear leak at about 1 MiB/s: the detection-latency target (five in --quick, the fewest whose median has a 95 % bound)", 5, GrowthPattern.Linear,
            r => Grower("linear", r.Between(0.8, 1.25), 30, noise: r.Between(0, 1))),
        Leak("linear-8m", "linear leak at 4-12 MiB/s", 0, GrowthPattern.Linear,
            r => Grower("linear", r.Between(4, 12), 25, noise: r.Between(0, 4))),
        Leak("linear-50m", "linear leak at 35-50 MiB/s", 1, GrowthPattern.Linear,
            r => Grower("linear", r.Between(35, 50), 15, noise: r.Between(0, 8))),
        Leak("accelerating", "growth whose rate rises every second", 1, GrowthPattern.Accelerating,
            r => Grower("accelerating", r.Between(0.1, 0.4), 30, noise: r.Between(0, 0.5))),
        Leak("oscillating", "grow half of each period, pause the other half, never free", 1, GrowthPattern.Oscillating,
            r => Grower("oscillating", r.Between(1, 4), 40, period: r.Next(6, 13), noise: r.Between(0, 0.5))),
        new("burst", Expectation.Leak, "a 30-60 MiB allocation every 15-25 s, never freed: caught at the second step", 1,
            r => [Burst(r)]),
        Leak("gc-leak", "a garbage-collected runtime that leaks: a sawtooth whose troughs rise", 1, GrowthPattern.Oscillating,
            r => Grower("gc-leak", r.Between(4, 10), 50, period: r.Next(3, 9), leak: r.Between(0.3, 1), noise: r.Between(0, 1))),
        Leak("file-leak", "linear leak in file-backed memory (RssFile)", 0, GrowthPattern.Linear,
            r => Grower("linear", r.Between(1, 4), 30, memory: "file", noise: r.Between(0, 0.5))),
        Leak("shmem-leak", "linear leak in shared memory (RssShmem)", 1, GrowthPattern.Linear,
            r => Grower("linear", r.Between(1, 4), 30, memory: "shmem", noise: r.Between(0, 0.5))),
        new("child-leak", Expectation.Leak, "the leak is in a child process; its parent shell is known good", 1,
            r => [new Launch("child-leak", Expectation.Leak, GrowthPattern.Linear, r.Between(0, 3),
                Spec("linear", r.Between(1, 3), 30, r), Placement.ChildOfShell, GrowthSeconds: 30)]),
        new("cgroup-leak", Expectation.Leak, "a leak inside a memory-limited cgroup: the detection must carry the limit", 1,
            r => [new Launch("cgroup-leak", Expectation.Leak, GrowthPattern.Linear, r.Between(0, 3),
                Spec("linear", r.Between(2, 5), 30, r), Placement.LimitedCgroup, LimitBytes: r.Next(3, 8) * 128 * MiB, GrowthSeconds: 30)]),
        new("multi-1-5m", Expectation.Leak, "the methodology's multi-process test: five growers at 1..5 MiB/s started together", 0,
            r => [.. Enumerable.Range(1, 5).Select(i => new Launch("multi-1-5m", Expectation.Leak, GrowthPattern.Linear, 0,
                Spec("linear", i, 60, r), GrowthSeconds: 60))]),
        new("fleet-100", Expectation.Leak, "100 leaking processes at once, 0.5-1.5 MiB/s each", 0,
            r => [.. Enumerable.Range(0, 100).Select(_ => new Launch("fleet-100", Expectation.Leak, GrowthPattern.Linear, r.Between(0, 5),
                Spec("linear", r.Between(0.5, 1.5), 40, r), GrowthSeconds: 40))]),

        // Known good.
        Good("stable", "a process that holds what it has, with allocator jitter", 1,
            r => Spec("stable", r.Between(1, 50), 40, r, noise: r.Between(0, 2))),
        Good("warm-up", "a warm-up of 1-3 s that plateaus", 1,
            r => Spec("plateau", r.Between(5, 40), 35, r, period: r.Next(1, 4), noise: r.Between(0, 1))),
        Good("sawtooth", "a sawtooth of period 2-4 s around a flat baseline", 1,
            r => Spec("sawtooth", r.Between(5, 20), 40, r, period: r.Next(2, 5), noise: r.Between(0, 1))),
        Good("one-time", "one large allocation of 100-500 MiB (one step is not a burst leak)", 1,
            r => Spec("stable", r.Between(100, 500), 40, r, noise: r.Between(0, 1))),
        Good("file-cache", "a file cache that fills for 1-3 s, then stops", 0,
            r => Spec("plateau", r.Between(20, 80), 35, r, memory: "file", period: r.Next(1, 4))),
        Good("release", "a process that grows 2-3 s, then frees 90 % of it", 1,
            r => Spec("release", r.Between(5, 30), 35, r, period: r.Next(2, 4), noise: r.Between(0, 1))),
        new("short-lived", Expectation.Good, "150 short-lived processes, each allocating 16 MiB and exiting at once", 1,
            r => [new Launch("short-lived", Expectation.Good, null, r.Between(0, 3), null, ShortLived: 150)]),

        // Ambiguous: scored apart.
        new("long-warm-up", Expectation.Ambiguous, "20 s of growth, then flat: may be flagged, must resolve within 10 s of stopping", 1,
            r => [new Launch("long-warm-up", Expectation.Ambiguous, null, r.Between(0, 3),
                Spec("plateau", r.Between(1, 5), 50, r, period: 20, noise: r.Between(0, 0.5)), GrowthSeconds: 20)]),
        new("slow-sawtooth", Expectation.Ambiguous, "a sawtooth of period 15 s around a flat baseline: not flagged again after one cycle", 1,
            r => [new Launch("slow-sawtooth", Expectation.Ambiguous, null, r.Between(0, 3),
                Spec("sawtooth", r.Between(2, 6), 60, r, period: 15, noise: r.Between(0, 0.5)), GrowthSeconds: 7.5, PeriodSeconds: 15)]),
    ];

    /// <summary>
    /// The scenarios of a run, each drawn <paramref name="variants"/> times (the large multi-process ones once):
    /// one group of launches per draw, started together.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Launch>> Draw(bool quick, int variants, int seed)
    {
        var random = new Random(seed);
        var launches = new List<IReadOnlyList<Launch>>();
        foreach (var scenario in All.Where(s => !quick || s.QuickDraws > 0))
        {
            var times = quick ? scenario.QuickDraws : scenario.Name is "fleet-100" or "multi-1-5m" ? 1 : variants;
            for (var i = 0; i < times; i++)
            {
                launches.Add(scenario.Draw(random));
            }
        }

        return launches;
    }

    private static Scenario Leak(string name, string description, int quick, GrowthPattern pattern, Func<Random, GrowerSpec> grower) =>
        new(name, Expectation.Leak, description, quick, r =>
        {
            var delay = r.Between(0, 3);
            var spec = grower(r) with { Seed = r.Next(), DelaySeconds = Delay(r) };
            return [new Launch(name, Expectation.Leak, pattern, delay, spec, GrowthSeconds: spec.DurationSeconds)];
        });

    private static Scenario Good(string name, string description, int quick, Func<Random, GrowerSpec> grower) =>
        new(name, Expectation.Good, description, quick, r => [new Launch(name, Expectation.Good, null, r.Between(0, 3), grower(r))]);

    private static Launch Burst(Random r)
    {
        var size = r.Between(30, 60);
        var period = r.Next(15, 26);
        var spec = Spec("burst", size / 50, (2 * period) + 5, r, period: period);
        return new Launch("burst", Expectation.Leak, GrowthPattern.Burst, r.Between(0, 3), spec, GrowthSeconds: spec.DurationSeconds);
    }

    /// <summary>
    /// The delay is how long the process lives before its pattern starts: most leaks begin once a service
    /// serves, not in its loader. (A growth within a process's first second is start-up to the agent.)
    /// </summary>
    private static GrowerSpec Grower(string pattern, double rate, int duration, string memory = "anon", int? period = null, double? leak = null, double noise = 0) =>
        new(pattern, Math.Round(rate, 4), duration, memory, period, HoldSeconds: 10, LeakMegabytes: leak is { } l ? Math.Round(l, 3) : null, NoiseMegabytes: Math.Round(noise, 2));

    private static GrowerSpec Spec(string pattern, double rate, int duration, Random r, string memory = "anon", int? period = null, double noise = 0) =>
        Grower(pattern, rate, duration, memory, period, noise: noise) with { Seed = r.Next(), DelaySeconds = Delay(r) };

    private static double Delay(Random r) => Math.Round(r.Between(1, 3), 1);

    private static double Between(this Random random, double low, double high) => low + (random.NextDouble() * (high - low));
}
