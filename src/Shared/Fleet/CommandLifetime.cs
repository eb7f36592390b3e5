using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace MemGrowth.Shared.Fleet;

/// <summary>
/// A host's lifetime when the command owns the process: no signal handlers of the host's own. The generic
/// host's default (ConsoleLifetime) takes SIGTERM and SIGINT too; beside the command's handler (which stops
/// the host in order: detections drained, projections caught up, the cluster left) it made a SIGTERM end
/// the process with 143 before that stop had run.
/// </summary>
public sealed class CommandLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Makes <see cref="CommandLifetime"/> the lifetime of the host being built.</summary>
    public static IServiceCollection Use(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.RemoveAll<IHostLifetime>();
        services.AddSingleton<IHostLifetime, CommandLifetime>();
        return services;
    }
}
