using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using MemGrowth.Analytics.History;
using MemGrowth.NodeAgent.Probe;
using MemGrowth.Validation.Run;

namespace MemGrowth.Cli.Commands;

/// <summary>
/// The <c>memgrowth</c> command line: one subcommand per verb; help, --version and completions are
/// System.CommandLine's. Every failure is one line, <c>memgrowth: message</c>, and the documented exit code.
/// </summary>
internal static class MemgrowthCommand
{
    /// <summary>A usage or config error: a bad option, value or config file.</summary>
    public const int UsageError = 2;

    /// <summary>The probe could not be loaded.</summary>
    public const int ProbeError = 3;

    /// <summary>A benchmark failed.</summary>
    public const int BenchmarkError = 4;

    public static RootCommand Create()
    {
        var root = new RootCommand("memgrowth: finds growing (leaking) processes on this host, within seconds.")
        {
            new RunCommand(),
            new StatusCommand(),
            new GrowCommand(),
            new BenchCommand(),
            new ValidateCommand(),
            new LeaksCommand(),
            new AgentCommand(),
            new AnalyticsCommand(),
        };

        HelpDetails.Install(root);

        // Without a command: the overview, as --help gives it.
        root.SetAction(result => new HelpAction().Invoke(result));
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the verb they name.</summary>
    /// <param name="output">Where help and --version go (the verbs write to the console).</param>
    /// <param name="error">Where the one-line error goes.</param>
    public static async Task<int> InvokeAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(error);
        var result = Create().Parse(args);
        if (result.Errors.Count > 0)
        {
            await error.WriteLineAsync($"memgrowth: {Describe(result)}").ConfigureAwait(false);
            return UsageError;
        }

        var exit = UsageError;
        string message;
        try
        {
            // Exceptions come here rather than to System.CommandLine's handler (a stack trace, exit 1); Ctrl-C and
            // SIGTERM cancel ct, which Program owns.
            return await result.InvokeAsync(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            }, ct).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            message = e.Message;
        }
        catch (BenchmarkException e)
        {
            (exit, message) = (BenchmarkError, e.Message);
        }
        catch (ProbeException e)
        {
            (exit, message) = (ProbeError, e.Message);
        }
        catch (DataDirException e)
        {
            (exit, message) = (DataDirException.ExitCode, e.Message);
        }

        await error.WriteLineAsync($"memgrowth: {message}").ConfigureAwait(false);
        return exit;
    }

    /// <summary>
    /// The settings <paramref name="args"/> give the verb they name, through the real parser, without running it.
    /// </summary>
    /// <exception cref="ArgumentException">The one-line error the command line would exit 2 with.</exception>
    public static TSettings Parse<TSettings>(params string[] args)
    {
        var result = Create().Parse(args);
        if (result.Errors.Count > 0)
        {
            throw new ArgumentException(Describe(result));
        }

        return result.CommandResult.Command is VerbCommand<TSettings> verb
            ? verb.Settings(result)
            : throw new ArgumentException($"'{string.Join(' ', args)}' names no command whose settings are a {typeof(TSettings).Name}");
    }

    /// <summary>Every parse error, on one line, and where the command's options are listed.</summary>
    private static string Describe(ParseResult result)
    {
        var errors = string.Join("; ", result.Errors.Select(e => e.Message.TrimEnd('.')));
        var command = string.Join(' ', result.CommandResult.Command is RootCommand ? ["memgrowth"] : CommandPath(result.CommandResult.Command));
        return $"{errors} (see {command} --help)";
    }

    private static IEnumerable<string> CommandPath(Command command)
    {
        var names = new Stack<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault())
        {
            names.Push(c is RootCommand ? "memgrowth" : c.Name);
        }

        return names;
    }
}
