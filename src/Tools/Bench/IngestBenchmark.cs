using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using MemGrowth.Analytics.Fleet;
using MemGrowth.NodeAgent.Delivery;
using MemGrowth.NodeAgent.Fleet;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Statistics;
using MemGrowth.Validation.Run;
using Microsoft.Extensions.Logging;

namespace MemGrowth.Tools.Bench;

/// <summary>
/// `memgrowth bench ingest`: how many detections per second the fleet's analytics nodes persist, through the
/// same path an agent's detections take (on-disk outbox, at-least-once delivery, sharding proxy, leak entity,
/// journal), and how long each waits from its append to its entity's acknowledgement (journaled).
/// Also the synthetic producer of the fleet's multi-process tests: its detections are numbered, so a test
/// can check that each was journaled exactly once.
/// </summary>
public static class IngestBenchmark
{
    /// <summary>Outbox appends run ahead of acknowledgements by at most this many, so the outbox stays within its bound.</summary>
    private const int Window = 20_000;

    public static async Task<int> RunAsync(IngestOptions options, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var fleet = FleetOptions.Load(options.FleetConfig ?? Path.Combine(AppContext.BaseDirectory, "config", "fleet.hocon"));
        var temporary = options.Outbox is null;
        var outboxDir = options.Outbox ?? Path.Combine(Path.GetTempPath(), "memgrowth-ingest-" + Guid.NewGuid().ToString("N"));
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        var node = await FleetSystem.StartAsync(fleet, LeakShards.AgentRole, fleet.AgentPort, Akka.Configuration.Config.Empty, loggers, ct).ConfigureAwait(false);
        var system = node.System;
        try
        {
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
            try
            {
                await up.Task.WaitAsync(TimeSpan.FromSeconds(60), ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new BenchmarkException($"could not join the fleet within 60 s (seed nodes {string.Join(", ", fleet.SeedNodes.Select(s => $"{s.Host}:{s.Port}"))}): is an analytics node up?");
            }

            var outbox = Outbox.Open(outboxDir, Math.Max(fleet.OutboxMaxBytes, 64L << 20));
            var recovered = outbox.PendingCount;
            var delivery = system.ActorOf(
                OutboxDelivery.Props(outbox, LeakShards.StartProxy(system), $"{options.Host}#{Guid.NewGuid():N}", fleet.MaxInFlight, fleet.ResendAfter, loggers.CreateLogger("delivery"), maxBatch: fleet.MaxBatch),
                "delivery");
            await output.WriteLineAsync($"ingest: joined as {Cluster.Get(system).SelfAddress}; {options.Count} detections over {options.Leaks} leaks of host {options.Host}, {recovered} recovered from {outboxDir}").ConfigureAwait(false);
            await output.FlushAsync(ct).ConfigureAwait(false);

            if (options.WarmUp > 0 && recovered > 0)
            {
                // The warm-up waits until the outbox is empty: the recovered records would be counted in neither.
                throw new BenchmarkException($"--warm-up needs an empty outbox; {outboxDir} holds {recovered} detections (deliver them first with --count 0)");
            }

            var total = options.Count + recovered;
            var latencies = new List<double>(total);
            var sentAt = new long[options.Count];

            // One status round trip before the clock starts: the delivery actor's first answer comes after this
            // process's own start-up work (half a second), and the rate's first due count would then be offered
            // at once, 10,000 detections at 20,000/s, as a burst no agent makes.
            var baseline = (await delivery.Ask<DeliveryStatus>(GetDeliveryStatus.Instance, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false)).Acked;
            if (options.WarmUp > 0)
            {
                baseline = await WarmUpAsync(delivery, fleet, options, baseline, output, ct).ConfigureAwait(false);
            }

            var started = Stopwatch.GetTimestamp();
            using var watchStop = new CancellationTokenSource();
            var visibleAt = options.ReadModel
                ? ReadModelWatch.RunAsync(fleet, options, watchStop.Token)
                : Task.FromResult(Array.Empty<long>());
            var sent = 0;
            var lastProgress = started;
            DeliveryStatus status;
            while (true)
            {
                try
                {
                    status = await delivery.Ask<DeliveryStatus>(GetDeliveryStatus.Instance, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
                }
                catch (AskTimeoutException e)
                {
                    throw new BenchmarkException($"the producer's delivery stopped answering (was this node downed by the cluster? {(system.WhenTerminated.IsCompleted ? "its actor system has terminated" : "it still runs")})", e);
                }
                latencies.AddRange(status.AckSeconds);
                var acked = status.Acked - baseline;
                var due = options.Rate == 0 ? options.Count : (int)Math.Min(options.Count, options.Rate * Stopwatch.GetElapsedTime(started).TotalSeconds);
                for (; sent < due && sent - acked + recovered < Window; sent++)
                {
                    sentAt[sent] = Stopwatch.GetTimestamp();
                    delivery.Tell(Synthetic(options, sent));
                }

                if (options.Progress && Stopwatch.GetElapsedTime(lastProgress).TotalSeconds >= 1)
                {
                    lastProgress = Stopwatch.GetTimestamp();
                    await output.WriteLineAsync($"ingest: acked {acked}/{total} appended {status.Appended + recovered} pending {status.Pending} resent {status.Resent}").ConfigureAwait(false);
                    await output.FlushAsync(ct).ConfigureAwait(false);
                }

                if (sent == options.Count && acked >= total && status.Pending == 0)
                {
                    break;
                }

                await Task.Delay(10, ct).ConfigureAwait(false);
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            latencies.Sort();
            var result = string.Create(CultureInfo.InvariantCulture,
                $"ingest: {total} detections acknowledged (journaled) in {seconds:0.00} s: {total / seconds:0} detections/s{(options.Rate > 0 ? $" (offered {options.Rate}/s)" : "")}; append-to-ack p50 {Quantile.Of(latencies, 0.50) * 1000:0} ms, p99 {Quantile.Of(latencies, 0.99) * 1000:0} ms, max {Quantile.Of(latencies, 1) * 1000:0} ms; {status.Resent} resent, {status.Dropped} dropped");
            if (options.ReadModel)
            {
                var visible = await visibleAt.WaitAsync(TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);
                var toReadModel = Enumerable.Range(0, options.Count).Select(n => Stopwatch.GetElapsedTime(sentAt[n], visible[n]).TotalSeconds).Order().ToList();
                result += string.Create(CultureInfo.InvariantCulture,
                    $"\ningest: agent-to-read-model p50 {Quantile.Of(toReadModel, 0.50) * 1000:0} ms, p99 {Quantile.Of(toReadModel, 0.99) * 1000:0} ms, max {Quantile.Of(toReadModel, 1) * 1000:0} ms");

                // The first report of each leak also starts its entity (a journal recovery): all of them in the
                // run's first second, which a fleet whose leaks come and go does not see. Apart, the steady state.
                var later = Enumerable.Range(options.Leaks, Math.Max(0, options.Count - options.Leaks)).Select(n => Stopwatch.GetElapsedTime(sentAt[n], visible[n]).TotalSeconds).Order().ToList();
                result += string.Create(CultureInfo.InvariantCulture,
                    $"\ningest: agent-to-read-model after each leak's first report ({later.Count}) p50 {Quantile.Of(later, 0.50) * 1000:0} ms, p99 {Quantile.Of(later, 0.99) * 1000:0} ms, max {Quantile.Of(later, 1) * 1000:0} ms");

                // The first reports start the entities and the reports behind them queue (each leak's go in
                // order): a backlog of the run's first seconds. Past it, the steady state.
                var settled = Enumerable.Range(0, options.Count).Where(n => Stopwatch.GetElapsedTime(started, sentAt[n]) >= SettleTime)
                    .Select(n => Stopwatch.GetElapsedTime(sentAt[n], visible[n]).TotalSeconds).Order().ToList();
                if (settled.Count > 0)
                {
                    result += string.Create(CultureInfo.InvariantCulture,
                        $"\ningest: agent-to-read-model after the run's first {SettleTime.TotalSeconds:0} s ({settled.Count}) p50 {Quantile.Of(settled, 0.50) * 1000:0} ms, p99 {Quantile.Of(settled, 0.99) * 1000:0} ms, max {Quantile.Of(settled, 1) * 1000:0} ms");
                }
            }

            using (var self = Process.GetCurrentProcess())
            {
                // The producer's own cost, start-up and cluster join included (an agent's delivery costs it too).
                result += string.Create(CultureInfo.InvariantCulture,
                    $"\ningest: producer CPU {self.TotalProcessorTime.TotalSeconds:0.0} s, {self.TotalProcessorTime.TotalMicroseconds / Math.Max(1, total):0} us per detection (its start included)");
            }

            await output.WriteLineAsync(result).ConfigureAwait(false);
            if (options.OutPath is { } path)
            {
                var timeline = options.ReadModel ? Timeline(sentAt, await visibleAt.ConfigureAwait(false), started) : "";
                await File.WriteAllTextAsync(path, $"# memgrowth bench ingest\n\n{result}\n{timeline}", ct).ConfigureAwait(false);
            }

            return 0;
        }
        finally
        {
            // Leave the cluster before the outbox goes (the node's disposal runs coordinated shutdown).
            await node.DisposeAsync().ConfigureAwait(false);
            if (temporary && Directory.Exists(outboxDir))
            {
                Directory.Delete(outboxDir, recursive: true);
            }
        }
    }

    /// <summary>
    /// Delivers <see cref="IngestOptions.WarmUp"/> detections of a host of their own, as fast as delivery takes
    /// them, and waits until all are acknowledged (and, with --read-model, in the read model): the code paths of
    /// this process and of the analytics node are then compiled, their connections open, as on a node that has
    /// been running. The measured run's leaks are still new (their entities start during the run).
    /// </summary>
    /// <returns>The delivery's acknowledged count after the warm-up, to count the run's from.</returns>
    /// <param name="acked">The delivery's acknowledged count before the warm-up.</param>
    private static async Task<long> WarmUpAsync(IActorRef delivery, FleetOptions fleet, IngestOptions options, long acked, TextWriter output, CancellationToken ct)
    {
        var warm = options with { Host = options.Host + "-warm-up", Count = options.WarmUp, Leaks = Math.Min(options.Leaks, options.WarmUp) };
        var visible = options.ReadModel ? ReadModelWatch.RunAsync(fleet, warm, ct) : Task.FromResult(Array.Empty<long>());
        var began = Stopwatch.GetTimestamp();
        for (var n = 0; n < warm.Count; n++)
        {
            delivery.Tell(Synthetic(warm, n));
        }

        DeliveryStatus status;
        do
        {
            if (Stopwatch.GetElapsedTime(began) > TimeSpan.FromSeconds(120))
            {
                throw new BenchmarkException($"the warm-up's {warm.Count} detections were not all acknowledged within 120 s");
            }

            await Task.Delay(10, ct).ConfigureAwait(false);
            status = await delivery.Ask<DeliveryStatus>(GetDeliveryStatus.Instance, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        }
        while (status.Acked - acked < warm.Count || status.Pending > 0);

        await visible.WaitAsync(TimeSpan.FromSeconds(120), ct).ConfigureAwait(false);

        // Drains the warm-up's acknowledgement times, which the run's quantiles must not hold.
        status = await delivery.Ask<DeliveryStatus>(GetDeliveryStatus.Instance, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ingest: warmed up with {warm.Count} detections of host {warm.Host} in {Stopwatch.GetElapsedTime(began).TotalSeconds:0.0} s")).ConfigureAwait(false);
        return status.Acked;
    }

    /// <summary>How long from the run's start detections are left out of the steady-state latency (the entities' start and its backlog).</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(5);

    /// <summary>The n-th synthetic detection of the run (<see cref="SyntheticDetections.Of"/>).</summary>
    public static Detection Synthetic(IngestOptions options, int n)
    {
        ArgumentNullException.ThrowIfNull(options);
        return SyntheticDetections.Of(n, options.Leaks, options.Host);
    }

    /// <summary>
    /// Agent-to-read-model wait by the half second each detection was sent in: where a backlog builds and
    /// how fast it drains, which the run's quantiles alone do not show.
    /// </summary>
    private static string Timeline(long[] sentAt, long[] visibleAt, long started)
    {
        var lines = new System.Text.StringBuilder("\n| sent at (s) | detections | p50 (ms) | p99 (ms) |\n|---:|---:|---:|---:|\n");
        foreach (var slot in Enumerable.Range(0, sentAt.Length)
                     .GroupBy(n => (int)(Stopwatch.GetElapsedTime(started, sentAt[n]).TotalSeconds * 2))
                     .OrderBy(g => g.Key))
        {
            var waits = slot.Select(n => Stopwatch.GetElapsedTime(sentAt[n], visibleAt[n]).TotalSeconds).Order().ToList();
            lines.Append(CultureInfo.InvariantCulture, $"| {slot.Key / 2.0:0.0} | {waits.Count} | {Quantile.Of(waits, 0.50) * 1000:0} | {Quantile.Of(waits, 0.99) * 1000:0} |\n");
        }

        return lines.ToString();
    }
}
