namespace MemGrowth.NodeAgent.Actors;

/// <summary>
/// Whether a process is one of MemGrowth's own long-running roles (<c>memgrowth run</c>, <c>agent</c> or
/// <c>analytics</c>), told from its comm and command line. Their memory follows their own load (a JIT
/// warming up, an outbox or a journal backlog held while a database is down), which is reported in their
/// status and metrics, not as a leak of the host; other commands of the same executable (<c>memgrowth grow</c>,
/// the synthetic leak the corpus and demos use) are ordinary processes.
/// </summary>
internal static class MemGrowthNode
{
    private const string Executable = "memgrowth";

    private static readonly string[] Roles = ["run", "agent", "analytics"];

    /// <param name="comm">The process's comm (the kernel's 15-byte name).</param>
    /// <param name="cmdline">Its command line, arguments joined by spaces (as read from /proc/PID/cmdline).</param>
    public static bool Is(string comm, string cmdline)
    {
        ArgumentNullException.ThrowIfNull(comm);
        ArgumentNullException.ThrowIfNull(cmdline);
        var args = cmdline.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return comm switch
        {
            // The apphost: "memgrowth ROLE ...".
            Executable => args.Length >= 2 && Path.GetFileName(args[0]) == Executable && IsRole(args[1]),

            // The same program through the dotnet host: "dotnet memgrowth.dll ROLE ...".
            "dotnet" => args.Length >= 3 && Path.GetFileName(args[1]) == Executable + ".dll" && IsRole(args[2]),
            _ => false,
        };
    }

    private static bool IsRole(string verb) => Roles.Contains(verb, StringComparer.Ordinal);
}
