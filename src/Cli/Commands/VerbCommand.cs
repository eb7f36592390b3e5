using System.CommandLine;
using System.CommandLine.Parsing;

namespace MemGrowth.Cli.Commands;

/// <summary>
/// A verb of <c>memgrowth</c> whose command line becomes one settings record: parsed and checked here, then
/// handed to the role that acts on it. Tests read the settings through the real parser
/// (<see cref="MemgrowthCommand.Parse{TSettings}"/>) without running the verb.
/// </summary>
internal abstract class VerbCommand<TSettings> : Command
{
    protected VerbCommand(string name, string description)
        : base(name, description) =>
        SetAction((result, ct) => RunAsync(Settings(result), result, ct));

    /// <summary>The settings the parsed command line stands for (with its config file, where the verb has one).</summary>
    /// <exception cref="ArgumentException">What parsing alone cannot tell: a bad config file, or options that do not go together.</exception>
    public abstract TSettings Settings(ParseResult result);

    /// <returns>The process's exit code.</returns>
    protected abstract Task<int> RunAsync(TSettings settings, ParseResult result, CancellationToken ct);

    /// <summary>The options as given after the verb, for a report that quotes the command it came from.</summary>
    protected static IReadOnlyList<string> GivenArguments(ParseResult result) =>
        [.. result.Tokens.Where(t => t.Type is not (TokenType.Command or TokenType.Directive)).Select(t => t.Value)];
}
