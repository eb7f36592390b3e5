namespace MemGrowth.Cli.Commands;

/// <summary>What <c>memgrowth status</c> is told.</summary>
/// <param name="StatusFile">The running agent's status file.</param>
/// <param name="Json">Print the file as it is instead of describing it.</param>
internal sealed record StatusOptions(string StatusFile, bool Json)
{
    /// <summary>Where `memgrowth run` writes its status unless told otherwise (config/memgrowth.hocon's status-file).</summary>
    public const string DefaultStatusFile = "/run/memgrowth/status.json";
}
