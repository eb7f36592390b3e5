using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Analytics.Fleet;
using MemGrowth.NodeAgent.Delivery;
using Microsoft.Extensions.Logging;

namespace MemGrowth.NodeAgent.Fleet;

/// <summary>
/// A fleet agent's membership of the cluster, kept apart from the actor system that detects. The cluster
/// may down this node (a network drop longer than down-after leaves it on the minority side, and the
/// split-brain resolver downs it there): its cluster actor system then terminates, and the link starts a
/// new one that joins again, while the trackers go on detecting and the outbox buffers on disk. The
/// delivery actor is told each new <see cref="FleetRelay"/> to send through.
/// </summary>
internal sealed class FleetLink : IAsyncDisposable
{
    /// <summary>How long a downed agent waits before it joins again (its old incarnation must be removed first).</summary>
    public static readonly TimeSpan RejoinAfter = TimeSpan.FromSeconds(3);

    private readonly FleetOptions _fleet;
    private readonly Config _extra;
    private readonly IActorRef _delivery;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private ActorSystem? _system;
    private int _incarnations;

    private FleetLink(FleetOptions fleet, Config extra, IActorRef delivery, ILogger logger)
    {
        _fleet = fleet;
        _extra = extra;
        _delivery = delivery;
        _logger = logger;
    }

    /// <summary>How many times this agent has joined the cluster (1 until it is downed and joins again).</summary>
    public int Incarnations => Volatile.Read(ref _incarnations);

    /// <summary>Joins the fleet: a cluster actor system with role agent, a sharding proxy and a relay to it.</summary>
    public static FleetLink Start(FleetOptions fleet, Config extra, IActorRef delivery, ILogger logger)
    {
        var link = new FleetLink(fleet, extra, delivery, logger);
        link.Join();
        return link;
    }

    public async ValueTask DisposeAsync()
    {
        ActorSystem? system;
        lock (_lock)
        {
            _stop.Cancel();
            system = _system;
        }

        if (system is not null)
        {
            // Leave gracefully: the analytics nodes see a member leaving, not one to down.
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
            await system.WhenTerminated.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private void Join()
    {
        ActorSystem system;
        lock (_lock)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            system = FleetSystem.Create(_fleet, LeakSharding.AgentRole, _fleet.AgentPort, _extra);
            _system = system;
        }

        Interlocked.Increment(ref _incarnations);
        var proxy = LeakSharding.StartProxy(system);
        var relay = system.ActorOf(FleetRelay.Props(proxy, _delivery), "relay");
        _delivery.Tell(new UseRegion(relay));
        system.WhenTerminated.ContinueWith(_ => OnTerminatedAsync(), TaskScheduler.Default);
    }

    // Downed (or stopped by the cluster for another reason) while still running: join again.
    private async Task OnTerminatedAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _logger.LogWarning(
            "this agent was removed from the fleet cluster (no analytics node reachable for {DownAfter}s, so it was downed): still detecting, buffering on disk, joining again",
            _fleet.DownAfter.TotalSeconds);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RejoinAfter, _stop.Token).ConfigureAwait(false);
                Join();
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
