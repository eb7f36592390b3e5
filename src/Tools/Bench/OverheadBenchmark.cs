using MemGrowth.Validation.Run;

namespace MemGrowth.Tools.Bench;

/// <summary>
/// `memgrowth bench overhead`: what the agent costs the host, end to end. The page-fault storm is the
/// probe's worst case; growers and idle processes are the agent's everyday load. Every child it
/// starts is stopped on every path out, Ctrl-C included.
/// </summary>
public static class OverheadBenchmark
{
    /// <param name="args">The command line's options as given, quoted in the report so that a reader can run it again.</param>
    public static int Run(BenchOptions options, IReadOnlyList<string> args, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (NodeAgent.Probe.Native.Libc.GetEuid() != 0)
        {
            throw new ArgumentException("bench overhead loads the eBPF probe and sets kernel.bpf_stats_enabled: run it as root");
        }

        var progress = Console.Error;
        var workDir = Directory.CreateTempSubdirectory("memgrowth-bench-");
        var context = new BenchContext(options, AgentExecutable(options), workDir.FullName, progress);
        try
        {
            var results = RunAsync(context, args, ct).GetAwaiter().GetResult();
            var report = OverheadReport.Format(results);
            output.Write(report);
            if (options.OutPath is { } path)
            {
                File.WriteAllText(path, report);
                context.Say($"report written to {path}");
            }

            workDir.Delete(recursive: true);
            return 0;
        }
        catch (BenchmarkException e)
        {
            progress.WriteLine($"memgrowth bench: {e.Message}");
            progress.WriteLine($"memgrowth bench: agent logs and grower output kept in {workDir.FullName}");
            return 1;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            progress.WriteLine("memgrowth bench: cancelled; every child process was stopped");
            workDir.Delete(recursive: true);
            return 130;
        }
    }

    private static async Task<OverheadResults> RunAsync(BenchContext ctx, IReadOnlyList<string> args, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Read();
        ctx.Say($"kernel {machine.Kernel}, {machine.CpuModel}, {machine.Cores} cores; agent {ctx.AgentPath}; files in {ctx.WorkDir}");

        ctx.Say("parts 1-3: page-fault storm, probe cost per hit, hits vs events");
        var (storm, cost, hits) = await StormBenchmark.RunAsync(ctx, ct).ConfigureAwait(false);
        ctx.Say($"part 4: agent cost with {ctx.Options.Growers} growers");
        var growers = await AgentCostBenchmark.WithGrowersAsync(ctx, ct).ConfigureAwait(false);
        ctx.Say($"part 5: bpf vs procfs with {ctx.Options.Idle} idle processes");
        var (bpf, procfs) = await AgentCostBenchmark.BpfVersusProcfsAsync(ctx, ct).ConfigureAwait(false);

        return new OverheadResults(CommandLine(args), ctx.Options, machine, started, storm, cost, hits, growers, bpf, procfs);
    }

    public static string CommandLine(IEnumerable<string> args) =>
        string.Join(' ', new[] { "memgrowth", "bench", "overhead" }.Concat(args.Select(Quote)));

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or '=' or ':' or ',')
            ? arg
            : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The running executable, unless it is the dotnet host (then the apphost beside memgrowth.dll).</summary>
    private static string AgentExecutable(BenchOptions options)
    {
        var path = options.AgentPath ?? Environment.ProcessPath;
        if (path is null || Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            path = Path.Combine(AppContext.BaseDirectory, "memgrowth");
        }

        return File.Exists(path)
            ? Path.GetFullPath(path)
            : throw new ArgumentException($"the memgrowth executable {path} does not exist: build it, or pass --agent PATH");
    }
}
