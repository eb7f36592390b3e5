using System.Diagnostics;
using System.Runtime.InteropServices;
using MemGrowth.NodeAgent.Probe;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Probe;

/// <summary>
/// The C header is the source of truth: compile a tiny C program against bpf/memgrowth.h that prints
/// every size and offset, and hold the C# mirrors to it. Hidden padding is the classic bug.
/// </summary>
public sealed class EventLayoutTests
{
    private static readonly Lazy<Dictionary<string, long>> CLayout = new(CompileAndRun);

    [Theory]
    [InlineData(typeof(MgEvent), "mg_event", new[] { "type", "tgid", "start_boottime_ns", "time_ns", "first_seen_ns", "pages", "peak_pages", "cgroup_id", "comm" })]
    [InlineData(typeof(MgOomEvent), "mg_oom_event", new[] { "type", "tgid", "start_boottime_ns", "time_ns", "anon_rss_kb", "file_rss_kb", "shmem_rss_kb", "pid", "rss_known", "comm" })]
    [InlineData(typeof(MgState), "mg_state", new[] { "start_boottime_ns", "first_seen_ns", "last_check_jiffies", "last_emit_ns", "pages", "peak_pages", "cgroup_id", "mm", "dirty", "pad", "comm" })]
    [InlineData(typeof(MgStats), "mg_stats", new[] { "hits", "samples", "ring_drops", "map_full", "unattributed", "teardown", "exits", "flushes", "oom_kills" })]
    [InlineData(typeof(MgConfig), "mg_config", new[] { "interval_jiffies", "min_delta_pages", "wakeup_bytes" })]
    [InlineData(typeof(MgCpu), "mg_cpu", new[] { "stats", "last_mm", "last_jiffies", "last_tgid", "pad" })]
    internal void Should_match_the_C_header_byte_for_byte(Type managed, string cStruct, string[] cFields)
    {
        var layout = CLayout.Value;
        Assert.Equal(layout[$"{cStruct}.size"], Marshal.SizeOf(managed));

        // C# fields in declaration order; the C "pages" array maps to the four *Pages fields.
        var managedFields = managed.GetFields().Where(f => !f.IsStatic).Select(f => f.Name).ToList();
        var expected = cFields.SelectMany(f => f == "pages" ? new[] { "pages" } : [f]).ToList();
        var index = 0;
        foreach (var cField in expected)
        {
            var offset = layout[$"{cStruct}.{cField}"];
            var field = managedFields[index];
            Assert.True(offset == Marshal.OffsetOf(managed, field).ToInt64(),
                $"{cStruct}.{cField} is at {offset} in C, {managed.Name}.{field} at {Marshal.OffsetOf(managed, field)} in C#");
            index += cField == "pages" ? 4 : 1;
        }

        Assert.Equal(managedFields.Count, index);
    }

    [Fact]
    public void Should_read_run_time_and_count_where_the_kernel_puts_them()
    {
        var layout = CLayout.Value;
        Assert.Equal(192, layout["bpf_prog_info.run_time_ns"]);
        Assert.Equal(200, layout["bpf_prog_info.run_cnt"]);
    }

    private static Dictionary<string, long> CompileAndRun()
    {
        var header = Path.GetFullPath(Path.Combine(RepoRoot(), "bpf", "memgrowth.h"));
        var dir = Directory.CreateTempSubdirectory("memgrowth-layout");
        var source = Path.Combine(dir.FullName, "layout.c");
        var fields = new Dictionary<string, string[]>
        {
            ["mg_event"] = ["type", "tgid", "start_boottime_ns", "time_ns", "first_seen_ns", "pages", "peak_pages", "cgroup_id", "comm"],
            ["mg_oom_event"] = ["type", "tgid", "start_boottime_ns", "time_ns", "anon_rss_kb", "file_rss_kb", "shmem_rss_kb", "pid", "rss_known", "comm"],
            ["mg_state"] = ["start_boottime_ns", "first_seen_ns", "last_check_jiffies", "last_emit_ns", "pages", "peak_pages", "cgroup_id", "mm", "dirty", "pad", "comm"],
            ["mg_stats"] = ["hits", "samples", "ring_drops", "map_full", "unattributed", "teardown", "exits", "flushes", "oom_kills"],
            ["mg_config"] = ["interval_jiffies", "min_delta_pages", "wakeup_bytes"],
            ["mg_cpu"] = ["stats", "last_mm", "last_jiffies", "last_tgid", "pad"],
            ["bpf_prog_info"] = ["run_time_ns", "run_cnt"],
        };
        var lines = new List<string> { "#include <stdio.h>", "#include <stddef.h>", "#include <linux/types.h>", "#include <linux/bpf.h>", $"#include \"{header}\"", "int main(void) {" };
        foreach (var (name, names) in fields)
        {
            lines.Add($"printf(\"{name}.size %zu\\n\", sizeof(struct {name}));");
            lines.AddRange(names.Select(f => $"printf(\"{name}.{f} %zu\\n\", offsetof(struct {name}, {f}));"));
        }

        lines.Add("return 0; }");
        File.WriteAllLines(source, lines);
        var binary = Path.Combine(dir.FullName, "layout");
        Run("clang", $"-o {binary} {source}", "clang is needed to check the event layout: ./memgrowth build installs it");
        var output = Run(binary, "", "the layout program failed");
        dir.Delete(recursive: true);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static string Run(string file, string arguments, string hint)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException(hint);
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{hint}: {error}");
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MemGrowth.Actors.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root from " + AppContext.BaseDirectory);
    }
}
