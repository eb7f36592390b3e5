using System.Diagnostics;
using System.Globalization;
using MemGrowth.NodeAgent.Sources;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Sources;

public sealed class ProcfsReaderTests
{
    [Fact]
    public void Should_read_this_process_with_the_start_ticks_of_field_22()
    {
        var pid = Environment.ProcessId;
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var startTicks = ulong.Parse(fields[22 - 3], CultureInfo.InvariantCulture);
        var ppid = int.Parse(fields[4 - 3], CultureInfo.InvariantCulture);

        var self = new ProcfsReader().Read(pid);

        Assert.NotNull(self);
        Assert.Equal(pid, self.Value.Key.Pid);
        Assert.Equal(startTicks, self.Value.Key.StartTicks);
        Assert.Equal(ppid, self.Value.Ppid);
        Assert.False(self.Value.IsKernelThread);
        Assert.True(self.Value.RssBytes > 0);
        Assert.True(self.Value.AnonBytes > 0);
        Assert.True(self.Value.FileBytes > 0); // the runtime's own mapped binaries
        Assert.Equal(File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n'), self.Value.Comm);
    }

    [Fact]
    public void Should_agree_with_status_on_vmrss()
    {
        var reader = new ProcfsReader();
        var status = reader.ReadStatus(Environment.ProcessId)!.Value;
        var self = reader.Read(Environment.ProcessId)!.Value;

        // Two reads of a live process: equal give or take what the runtime touched in between.
        Assert.InRange(self.RssBytes, status.VmRssBytes - (8 << 20), status.VmRssBytes + (8 << 20));
        var sample = self.ToSample(12.5);
        Assert.Equal(12.5, sample.Time);
        Assert.Equal(self.RssBytes, sample.RssBytes);
    }

    [Fact]
    public void Should_list_this_process_and_init()
    {
        var pids = new ProcfsReader().ListPids().ToHashSet();

        Assert.Contains(Environment.ProcessId, pids);
        Assert.Contains(1, pids);
    }

    [Fact]
    public void Should_read_the_command_line_of_this_process()
    {
        var cmdline = new ProcfsReader().ReadCmdline(Environment.ProcessId);

        Assert.NotEmpty(cmdline);
        Assert.DoesNotContain('\0', cmdline);
        Assert.Contains(Path.GetFileName(Environment.ProcessPath!), cmdline, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Should_see_kernel_threads_as_such()
    {
        var reader = new ProcfsReader();
        // kthreadd is pid 2 wherever /proc is the host's; in a pid namespace there are no kernel threads to see.
        Skip.If(reader.ReadStat(2) is not { Comm: "kthreadd" }, "no kthreadd at pid 2: /proc is not the host's (pid namespace)");

        var read = reader.Read(2)!.Value;
        Assert.True(read.IsKernelThread);
        Assert.Equal(0, read.RssBytes);
        Assert.Equal("", reader.ReadCmdline(2));
    }

    [Fact]
    public void Should_return_null_for_a_process_that_has_exited()
    {
        using var child = Process.Start("true");
        child.WaitForExit();
        var reader = new ProcfsReader();

        Assert.Null(reader.Read(child.Id));
        Assert.Null(reader.ReadStat(child.Id));
        Assert.Null(reader.ReadStatus(child.Id));
        Assert.Equal("", reader.ReadCmdline(child.Id));
    }

    [Fact]
    public void Should_read_a_child_s_key_the_same_way_each_time()
    {
        using var child = Process.Start("sleep", "5");
        try
        {
            var reader = new ProcfsReader();
            var first = reader.Read(child.Id);
            var second = reader.Read(child.Id);

            Assert.NotNull(first);
            Assert.Equal(first.Value.Key, second!.Value.Key);
            Assert.Equal("sleep", first.Value.Comm);
            Assert.Equal(Environment.ProcessId, first.Value.Ppid);
            Assert.Equal("sleep 5", reader.ReadCmdline(child.Id));
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }
    }

    [Fact]
    public void Should_list_only_numeric_directories_and_read_files_longer_than_its_buffer()
    {
        var root = Directory.CreateTempSubdirectory("memgrowth-fakeproc").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "123"));
            Directory.CreateDirectory(Path.Combine(root, "7"));
            Directory.CreateDirectory(Path.Combine(root, "sys"));
            Directory.CreateDirectory(Path.Combine(root, "12a"));
            File.WriteAllText(Path.Combine(root, "99"), "a file, not a process");
            var longArgument = new string('x', 10_000);
            File.WriteAllText(Path.Combine(root, "123", "cmdline"), $"prog\0{longArgument}\0");

            var reader = new ProcfsReader(root);

            Assert.Equal([7, 123], reader.ListPids().Order());
            Assert.Equal($"prog {longArgument}", reader.ReadCmdline(123));
            Assert.Null(reader.Read(7));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
