namespace MemGrowth.Shared.Settings;

/// <summary>
/// The modes of what holds command lines (which can hold secrets): the history's database, the outbox, the
/// status file, JSONL output. Only their owner may read them.
/// </summary>
public static class PrivateModes
{
    /// <summary>0700.</summary>
    public const UnixFileMode Directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>0600.</summary>
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;
}
