namespace MemGrowth.Analytics.History;

/// <summary>
/// The data directory, or the history in it, cannot be used: not writable, no space, a database that is not
/// one. The message is one line naming the path and what to do; <c>memgrowth</c> exits with
/// <see cref="ExitCode"/>.
/// </summary>
public sealed class DataDirException : Exception
{
    /// <summary>The exit code of every command that stops on one of these.</summary>
    public const int ExitCode = 5;

    public DataDirException(string message)
        : base(message)
    {
    }

    public DataDirException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public DataDirException()
    {
    }
}
