using System.Globalization;
using System.Text;

namespace MemGrowth.NodeAgent.Cgroups;

/// <summary>
/// Pure parsing of what the kernel says about cgroups: /proc/PID/cgroup, /proc/self/mountinfo, memory
/// limit and usage files, and the container ids runtimes write into cgroup names. No file access here.
/// </summary>
internal static class CgroupParser
{
    /// <summary>
    /// cgroup v1 reports "no limit" as the largest page-aligned long (9223372036854771712 on 4 KiB
    /// pages, a different number on 64 KiB pages); anything this large cannot be a real limit.
    /// </summary>
    public const long V1UnlimitedThreshold = 1L << 62;

    private const string DeletedSuffix = " (deleted)";

    // Runtimes name a container's cgroup "<prefix><64 hex>", with ".scope" under the systemd driver.
    // The conmon-* scopes hold the runtime's monitor process, which is not inside the container.
    private static readonly string[] ContainerPrefixes = ["docker-", "cri-containerd-", "crio-", "libpod-", "containerd-"];
    private static readonly string[] MonitorPrefixes = ["crio-conmon-", "libpod-conmon-"];

    /// <summary>Parses /proc/PID/cgroup: "hierarchy-id:controllers:path" lines.</summary>
    public static CgroupMembership ParseMembership(string content)
    {
        string? unified = null, memory = null;
        var others = new List<string>();
        foreach (var raw in content.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var first = line.IndexOf(':', StringComparison.Ordinal);
            var second = first < 0 ? -1 : line.IndexOf(':', first + 1);
            if (second < 0)
            {
                continue;
            }

            // The path may itself hold ':' (cgroup names are free text), so it is everything after the second one.
            var path = line[(second + 1)..];
            if (path.EndsWith(DeletedSuffix, StringComparison.Ordinal))
            {
                path = path[..^DeletedSuffix.Length];
            }

            if (path.Length == 0)
            {
                continue;
            }

            var id = line.AsSpan(0, first);
            var controllers = line.AsSpan(first + 1, second - first - 1);
            if (id.SequenceEqual("0") && controllers.IsEmpty)
            {
                unified ??= path;
            }
            else if (memory is null && HasController(controllers, "memory"))
            {
                memory = path;
            }
            else
            {
                others.Add(path);
            }
        }

        var all = new List<string>(others.Count + 2);
        if (unified is not null)
        {
            all.Add(unified);
        }

        if (memory is not null)
        {
            all.Add(memory);
        }

        all.AddRange(others);
        return new CgroupMembership(unified, memory, all);
    }

    /// <summary>
    /// Finds the cgroup2 mount and the v1 mount holding the memory controller in /proc/self/mountinfo.
    /// When a hierarchy is mounted more than once, a mount of its real root ("/") wins over a bind of a
    /// subtree, since only it can reach every process's cgroup.
    /// </summary>
    public static CgroupMounts ParseMounts(string mountinfo)
    {
        CgroupMount? unified = null, memory = null;
        foreach (var line in mountinfo.Split('\n'))
        {
            // id parent major:minor root mount-point options [optional fields...] - fstype source super-options
            var fields = line.Split(' ');
            var dash = fields.Length > 6 ? Array.IndexOf(fields, "-", 6) : -1;
            if (dash < 0 || dash + 1 >= fields.Length)
            {
                continue;
            }

            var fsType = fields[dash + 1];
            var superOptions = dash + 3 < fields.Length ? fields[dash + 3] : "";
            var mount = new CgroupMount(Unescape(fields[4]), Unescape(fields[3]));
            if (fsType == "cgroup2")
            {
                unified = Prefer(unified, mount);
            }
            else if (fsType == "cgroup" && HasController(superOptions, "memory"))
            {
                memory = Prefer(memory, mount);
            }
        }

        return new CgroupMounts(unified, memory);
    }

    /// <summary>
    /// The container and pod a cgroup path names, for Docker (cgroupfs and systemd drivers), containerd,
    /// CRI-O, Podman and Kubernetes (cgroupfs and systemd drivers). The innermost container wins, so a
    /// Kubernetes container inside a Docker-run node (kind) is reported as itself.
    /// </summary>
    public static ContainerIdentity ParseContainer(string cgroupPath)
    {
        var segments = cgroupPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? container = null, pod = null;
        for (var i = segments.Length - 1; i >= 0 && container is null; i--)
        {
            container = ContainerIdIn(segments[i]);
        }

        if (cgroupPath.Contains("kubepods", StringComparison.Ordinal))
        {
            for (var i = segments.Length - 1; i >= 0 && pod is null; i--)
            {
                pod = PodUidIn(segments[i]);
            }
        }

        return new ContainerIdentity(container, pod);
    }

    /// <summary>The first container found along the paths, in the order given (see <see cref="CgroupMembership.AllPaths"/>).</summary>
    public static ContainerIdentity ParseContainer(IEnumerable<string> cgroupPaths)
    {
        string? container = null, pod = null;
        foreach (var path in cgroupPaths)
        {
            var identity = ParseContainer(path);
            container ??= identity.ContainerId;
            pod ??= identity.PodUid;
            if (container is not null && pod is not null)
            {
                break;
            }
        }

        return new ContainerIdentity(container, pod);
    }

    /// <summary>cgroup v2 memory.max: bytes, or "max" for no limit (null). Unreadable text reads as no limit.</summary>
    public static long? ParseMemoryMax(string content)
    {
        var text = content.Trim();
        return text == "max" ? null : ParseBytes(text);
    }

    /// <summary>cgroup v1 memory.limit_in_bytes: bytes, null for the "unlimited" sentinel (≥ 2^62).</summary>
    public static long? ParseLimitInBytes(string content)
    {
        var limit = ParseBytes(content.Trim());
        return limit is >= V1UnlimitedThreshold ? null : limit;
    }

    /// <summary>memory.current (v2) or memory.usage_in_bytes (v1): bytes charged to the group.</summary>
    public static long? ParseUsage(string content) => ParseBytes(content.Trim());

    /// <summary>The parent of a cgroup path ("/a/b" → "/a", "/a" → "/"); null for "/".</summary>
    public static string? Parent(string cgroupPath)
    {
        var path = cgroupPath.TrimEnd('/');
        if (path.Length == 0)
        {
            return null;
        }

        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    private static long? ParseBytes(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static bool HasController(ReadOnlySpan<char> list, string controller)
    {
        foreach (var range in list.Split(','))
        {
            if (list[range].SequenceEqual(controller))
            {
                return true;
            }
        }

        return false;
    }

    private static CgroupMount Prefer(CgroupMount? current, CgroupMount candidate) =>
        current is null || (current.Root != "/" && candidate.Root == "/") ? candidate : current;

    private static string? ContainerIdIn(string segment)
    {
        var name = segment.EndsWith(".scope", StringComparison.Ordinal) ? segment[..^".scope".Length] : segment;
        if (IsHex(name, 64))
        {
            return name;
        }

        foreach (var monitor in MonitorPrefixes)
        {
            if (name.StartsWith(monitor, StringComparison.Ordinal))
            {
                return null;
            }
        }

        foreach (var prefix in ContainerPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && IsHex(name.AsSpan(prefix.Length), 64))
            {
                return name[prefix.Length..];
            }
        }

        return null;
    }

    // cgroupfs driver: "pod<uid>"; systemd driver: "kubepods[-<qos>]-pod<uid with '_' for '-'>.slice".
    private static string? PodUidIn(string segment)
    {
        string candidate;
        if (segment.StartsWith("pod", StringComparison.Ordinal))
        {
            candidate = segment[3..];
        }
        else if (segment.StartsWith("kubepods", StringComparison.Ordinal) && segment.EndsWith(".slice", StringComparison.Ordinal))
        {
            var at = segment.LastIndexOf("-pod", StringComparison.Ordinal);
            if (at < 0)
            {
                return null;
            }

            candidate = segment[(at + 4)..^".slice".Length].Replace('_', '-');
        }
        else
        {
            return null;
        }

        candidate = candidate.ToLowerInvariant();
        return IsUuid(candidate) || IsHex(candidate, 32) ? candidate : null;
    }

    // Static pods get a 32-hex config hash as uid instead of a UUID, hence the second form above.
    private static bool IsUuid(string s) =>
        s.Length == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-' &&
        IsHex(s.AsSpan(0, 8), 8) && IsHex(s.AsSpan(9, 4), 4) && IsHex(s.AsSpan(14, 4), 4) &&
        IsHex(s.AsSpan(19, 4), 4) && IsHex(s.AsSpan(24, 12), 12);

    private static bool IsHex(ReadOnlySpan<char> s, int length)
    {
        if (s.Length != length)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    // mountinfo escapes space, tab, newline and backslash in paths as three octal digits (\040).
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var result = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length &&
                IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                result.Append((char)(((field[i + 1] - '0') * 64) + ((field[i + 2] - '0') * 8) + (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                result.Append(field[i]);
            }
        }

        return result.ToString();
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
