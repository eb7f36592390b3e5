using Akka.Actor;

namespace MemGrowth.Analytics.Tests.Snapshots;

/// <summary>
/// Many asks of one entity sent at once, which it answers one journal write after another: judged on progress,
/// not on a deadline for the lot. The last of 510 asks waits for 509 writes first, which took 16 s on a quiet
/// machine and more than a minute beside a loaded suite; a stalled entity still fails within <c>idle</c>.
/// </summary>
internal static class InOrderAsks
{
    /// <summary>Long enough for every write ahead of an ask; the test's limit is <c>idle</c>.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(30);

    public static async Task<T[]> AllAsync<T>(IActorRef entity, IEnumerable<object> messages, TimeSpan idle)
    {
        var asks = messages.Select(m => entity.Ask<T>(m, Patience)).ToList();
        var pending = asks.ToHashSet();
        while (pending.Count > 0)
        {
            var answered = await Task.WhenAny(pending).WaitAsync(idle).ConfigureAwait(false);
            pending.Remove(answered);
            await answered.ConfigureAwait(false); // a failed ask fails the test here
        }

        return [.. asks.Select(a => a.Result)];
    }
}
