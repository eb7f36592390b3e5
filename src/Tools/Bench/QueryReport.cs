using System.Globalization;
using System.Text;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Shared.Settings;
using MemGrowth.Shared.Statistics;

namespace MemGrowth.Tools.Bench;

/// <summary>The latencies of one set of requests, in milliseconds, and how many leaks they returned on average.</summary>
internal sealed record LatencySummary(string Shape, int Count, double P50, double P95, double P99, double Max, double MeanRows)
{
    public static LatencySummary Of(string shape, IReadOnlyCollection<(double Ms, int Rows)> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var sorted = samples.Select(s => s.Ms).Order().ToArray();
        return new LatencySummary(shape, sorted.Length, Quantile.Of(sorted, 0.50), Quantile.Of(sorted, 0.95), Quantile.Of(sorted, 0.99),
            sorted[^1], samples.Average(s => s.Rows));
    }
}

/// <summary>What `memgrowth bench query` measured, and where: printed as a line, written as Markdown.</summary>
internal sealed record QueryReport(
    QueryOptions Options,
    MachineInfo Machine,
    DateTimeOffset Date,
    string Database,
    double FillSeconds,
    double MeasureSeconds,
    LatencySummary All,
    IReadOnlyList<LatencySummary> ByShape)
{
    public const double TargetP95Ms = 50;

    public double RequestsPerSecond => All.Count / MeasureSeconds;

    private string DatabaseName => Options.Database == JournalDatabase.Sqlite ? "sqlite" : "postgresql";

    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"query: {DatabaseName}: {All.Count} GET /api/leaks over {Options.Detections} detections / {Options.Leaks} leaks: p50 {All.P50:0.0} ms, p95 {All.P95:0.0} ms, p99 {All.P99:0.0} ms, max {All.Max:0.0} ms; {RequestsPerSecond:0} requests/s; fill {FillSeconds:0.0} s ({Options.Detections / FillSeconds:0} detections/s); p95 target {TargetP95Ms:0} ms {(All.P95 <= TargetP95Ms ? "met" : "MISSED")}");

    public string Markdown()
    {
        var o = Options;
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"""
            ## {DatabaseName}

            `memgrowth bench query --database {DatabaseName} --detections {o.Detections} --leaks {o.Leaks} --services {o.Services} --hosts {o.Hosts} --queries {o.Queries}`

            - machine: {Machine.Cores} cores ({Machine.CpuModel}), {Machine.MemoryBytes >> 30} GiB, kernel {Machine.Kernel}; {Date:yyyy-MM-dd HH:mm} UTC
            - read model: {Database}; {o.Detections} detections (report rows) over {o.Leaks} leaks, {o.Services} services, {o.Hosts} hosts, 7 days
            - fill: {FillSeconds:0.0} s ({o.Detections / FillSeconds:0} detections/s)
            - {All.Count} timed requests, one at a time over HTTP (after 100 untimed warm-up ones): {RequestsPerSecond:0} requests/s
            - p95 target {TargetP95Ms:0} ms: **{(All.P95 <= TargetP95Ms ? "met" : "missed")}**

            | requests | n | p50 ms | p95 ms | p99 ms | max ms | leaks returned (mean) |
            | --- | ---: | ---: | ---: | ---: | ---: | ---: |

            """);
        foreach (var s in ByShape.Prepend(All))
        {
            md.Append(CultureInfo.InvariantCulture, $"| {s.Shape} | {s.Count} | {s.P50:0.0} | {s.P95:0.0} | {s.P99:0.0} | {s.Max:0.0} | {s.MeanRows:0.0} |\n");
        }

        return md.ToString();
    }
}
