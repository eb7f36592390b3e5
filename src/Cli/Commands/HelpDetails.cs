using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace MemGrowth.Cli.Commands;

/// <summary>
/// System.CommandLine's help, followed by a command's details: a command's description is also its line in the
/// overview (`memgrowth --help`), so what only its own help should say (grow's output lines, validate's exit
/// codes) is written after the options instead.
/// </summary>
internal sealed class HelpDetails(HelpAction help) : SynchronousCommandLineAction
{
    /// <summary>Help is asked for even past a bad option, as System.CommandLine's own does.</summary>
    public override bool ClearsParseErrors => true;

    /// <summary>Puts this action in place of the help option's, on <paramref name="root"/> and every command under it.</summary>
    public static void Install(RootCommand root)
    {
        var option = root.Options.OfType<HelpOption>().Single();
        option.Action = new HelpDetails((HelpAction)option.Action!);
    }

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var code = help.Invoke(parseResult);
        if (parseResult.CommandResult.Command is IHasHelpDetails { HelpDetails: var details })
        {
            parseResult.InvocationConfiguration.Output.WriteLine(details);
            parseResult.InvocationConfiguration.Output.WriteLine();
        }

        return code;
    }
}

/// <summary>A command with more to say in its own help than its line in the overview.</summary>
internal interface IHasHelpDetails
{
    string HelpDetails { get; }
}
