using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using MemGrowth.NodeAgent.Delivery;
using MemGrowth.Shared.Fleet;
using Microsoft.Extensions.Logging;

namespace MemGrowth.NodeAgent.Fleet;

/// <summary>
/// A fleet agent's membership of the cluster, kept apart from the actor system that detects. The cluster
/// may down this node (a network drop longer than down-after leaves it on the minority side, and the
/// split-brain resolver downs it there): its cluster actor system then terminates, and the link starts a
/// new one that joins again, while the trackers go on detecting and the outbox buffers on disk. The
/// delivery actor is told each new <see cref="FleetRelay"/> to send through. The agent also leaves a
/// cluster that has had no reachable analytics node for <see cref="AloneAfter"/>: when every analytics
/// node restarted at once, they formed a new cluster from their seeds, and agents left behind in the old
/// one would otherwise wait there forever.
/// </summary>
public sealed class FleetLink : IAsyncDisposable
{
    /// <summary>How long a downed agent waits before it joins again (its old incarnation must be removed first).</summary>
    public static readonly TimeSpan RejoinAfter = TimeSpan.FromSeconds(3);

    private readonly FleetOptions _fleet;
    private readonly Config _extra;
    private readonly IActorRef _delivery;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly ILoggerFactory _loggers;
    private FleetSystem? _node;
    private Timer? _watch;
    private long _aloneSince = -1;
    private const long Leaving = long.MaxValue;

    private FleetLink(FleetOptions fleet, Config extra, IActorRef delivery, ILoggerFactory loggers)
    {
        _fleet = fleet;
        _extra = extra;
        _delivery = delivery;
        _loggers = loggers;
        _logger = loggers.CreateLogger("memgrowth");
    }

    /// <summary>How long a member agent waits with no reachable analytics node in its cluster before it leaves to join again.</summary>
    public TimeSpan AloneAfter => TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(10).Ticks, 2 * _fleet.DownAfter.Ticks));

    /// <summary>Joins the fleet: a cluster actor system with role agent, a sharding proxy and a relay to it.</summary>
    /// <exception cref="Exception">The cluster system could not start (its port taken, say): nothing is left running.</exception>
    public static async Task<FleetLink> StartAsync(FleetOptions fleet, Config extra, IActorRef delivery, ILoggerFactory loggers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        var link = new FleetLink(fleet, extra, delivery, loggers);
        try
        {
            await link.JoinAsync(ct).ConfigureAwait(false);
            return link;
        }
        catch
        {
            await link.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        FleetSystem? node;
        lock (_lock)
        {
            _stop.Cancel();
            node = _node;
            _node = null;
        }

        if (_watch is not null)
        {
            await _watch.DisposeAsync().ConfigureAwait(false);
        }

        if (node is not null)
        {
            // Leave gracefully: the analytics nodes see a member leaving, not one to down.
            await node.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task JoinAsync(CancellationToken ct)
    {
        var node = await FleetSystem.StartAsync(_fleet, LeakShards.AgentRole, _fleet.AgentPort, _extra, _loggers, ct).ConfigureAwait(false);
        lock (_lock)
        {
            if (!_stop.IsCancellationRequested)
            {
                _node = node;
                node = null;
            }
        }

        if (node is not null)
        {
            // Stopped while this incarnation was starting.
            await node.DisposeAsync().ConfigureAwait(false);
            return;
        }

        var system = _node!.System;
        var proxy = LeakShards.StartProxy(system);
        var relay = system.ActorOf(FleetRelay.Props(proxy, _delivery), "relay");
        _delivery.Tell(new UseRegion(relay));
        Interlocked.Exchange(ref _aloneSince, -1);
        var watch = new Timer(_ => Guarded(() => LeaveIfAlone(system)), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        Interlocked.Exchange(ref _watch, watch)?.Dispose();
        _ = system.WhenTerminated.ContinueWith(_ => OnTerminatedAsync(), TaskScheduler.Default);
    }

    // A timer callback that throws takes the process down: the watch is not worth that.
    private void Guarded(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            _logger.LogWarning("fleet link: {Message}", e.Message);
        }
    }

    // A member with no reachable analytics node for AloneAfter leaves; OnTerminatedAsync joins again.
    private void LeaveIfAlone(ActorSystem system)
    {
        if (system.WhenTerminated.IsCompleted || _stop.IsCancellationRequested)
        {
            return;
        }

        var state = Cluster.Get(system).State;
        var self = Cluster.Get(system).SelfMember;
        var analytics = state.Members.Any(m => m.HasRole(LeakShards.AnalyticsRole) && m.Status == MemberStatus.Up && !state.Unreachable.Contains(m));
        if (self.Status != MemberStatus.Up || analytics)
        {
            Interlocked.Exchange(ref _aloneSince, -1);
            return;
        }

        var now = Environment.TickCount64;
        var since = Interlocked.CompareExchange(ref _aloneSince, now, -1);
        if (since >= 0 && since != Leaving && now - since >= (long)AloneAfter.TotalMilliseconds)
        {
            Interlocked.Exchange(ref _aloneSince, Leaving);
            _logger.LogWarning("no analytics node in this agent's cluster for {Seconds}s (they may have restarted into a new one): leaving it to join the seed nodes again", AloneAfter.TotalSeconds);
            // No graceful leave: that waits on shard hand-offs and a leader that this cluster lacks. The
            // other agents in it, if any, see this one unreachable and down it.
            _ = system.Terminate();
        }
    }

    // Downed (or stopped by the cluster for another reason) while still running: join again, with a new host.
    private async Task OnTerminatedAsync()
    {
        FleetSystem? ended;
        lock (_lock)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            ended = _node;
            _node = null;
        }

        _logger.LogWarning(
            "this agent was removed from the fleet cluster (downed after no analytics node was reachable for {DownAfter}s, or it left a cluster without one): still detecting, buffering on disk, joining again",
            _fleet.DownAfter.TotalSeconds);
        if (ended is not null)
        {
            await ended.DisposeAsync().ConfigureAwait(false);
        }

        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RejoinAfter, _stop.Token).ConfigureAwait(false);
                await JoinAsync(_stop.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                // The cluster port not yet released, say: the outbox keeps everything meanwhile.
                _logger.LogWarning("joining the fleet again failed ({Message}); retrying", e.Message);
            }
        }
    }
}
