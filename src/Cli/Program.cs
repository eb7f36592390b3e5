using System.Runtime.InteropServices;
using MemGrowth.Cli.Commands;

namespace MemGrowth.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        return await MemgrowthCommand.InvokeAsync(args, Console.Out, Console.Error, cts.Token).ConfigureAwait(false);
    }
}
