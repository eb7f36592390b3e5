namespace MemGrowth.NodeAgent.Probe;

/// <summary>A probe step failed; <see cref="Exception.Message"/> says what to do about it.</summary>
public sealed class ProbeException : Exception
{
    public ProbeException(string step, int errno, string message)
        : base(errno == 0 ? $"{step}: {message}" : $"{step}: {message} (errno {errno}: {Describe(errno)})")
    {
        Step = step;
        Errno = errno;
    }

    public ProbeException() : this("probe", 0, "failed") { }

    public ProbeException(string message) : this("probe", 0, message) { }

    public ProbeException(string message, Exception inner) : base(message, inner)
    {
        Step = "probe";
    }

    public string Step { get; } = "probe";

    public int Errno { get; }

    private static string Describe(int errno) => errno switch
    {
        1 => "EPERM",
        2 => "ENOENT",
        7 => "E2BIG",
        12 => "ENOMEM",
        13 => "EACCES",
        22 => "EINVAL",
        95 => "EOPNOTSUPP",
        _ => new System.ComponentModel.Win32Exception(errno).Message,
    };
}
