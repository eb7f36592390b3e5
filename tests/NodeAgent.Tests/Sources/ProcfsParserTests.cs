using System.Text;
using MemGrowth.NodeAgent.Sources;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Sources;

public sealed class ProcfsParserTests
{
    // This machine's pid 1 and kthreadd, verbatim.
    private const string InitStat =
        "1 (process_api) S 0 0 0 0 -1 4194560 31284 397629 0 184 140 580 894 379 20 0 13 0 24 43085824 3113 18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

    private const string KthreaddStat =
        "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 24 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

    [Fact]
    public void Should_parse_a_real_stat_line()
    {
        Assert.True(ProcfsParser.TryParseStat(Bytes(InitStat), out var stat));
        Assert.Equal(new ProcfsStat(1, "process_api", 'S', 0, 24, 4194560), stat);
        Assert.False(stat.IsKernelThread);
    }

    [Theory]
    [InlineData("(a) b)", "a) b")]
    [InlineData("((x) )", "(x) ")]
    [InlineData("( )", " ")]
    [InlineData("()", "")]
    [InlineData("(my proc 1 2 3)", "my proc 1 2 3")]
    public void Should_end_the_comm_at_the_last_parenthesis(string field, string comm)
    {
        var line = $"4242 {field} R 77 4242 4242 0 -1 4194304 1 0 0 0 0 0 0 0 20 0 1 0 123456789 1000 50 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

        Assert.True(ProcfsParser.TryParseStat(Bytes(line), out var stat));
        Assert.Equal(4242, stat.Pid);
        Assert.Equal(comm, stat.Comm);
        Assert.Equal('R', stat.State);
        Assert.Equal(77, stat.Ppid);
        Assert.Equal(123456789UL, stat.StartTicks);
    }

    [Fact]
    public void Should_mark_kernel_threads_by_pf_kthread()
    {
        Assert.True(ProcfsParser.TryParseStat(Bytes(KthreaddStat), out var stat));
        Assert.True(stat.IsKernelThread); // 2129984 = 0x208040: PF_KTHREAD | PF_NOFREEZE | PF_FORKNOEXEC
        Assert.Equal("kthreadd", stat.Comm);
    }

    [Fact]
    public void Should_read_a_start_time_past_32_bits()
    {
        var line = "9 (x) S 1 9 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 98765432109876 0 0 0";
        Assert.True(ProcfsParser.TryParseStat(Bytes(line), out var stat));
        Assert.Equal(98765432109876UL, stat.StartTicks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1 process_api S 0 0")]                 // no parentheses
    [InlineData("(x) S 0 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 24")] // no pid
    [InlineData("1 (x) S 0 0 0 0 -1 0 0 0 0 0")]         // cut before field 22
    [InlineData("1 (x) S 0 0 0 0 -1 zz 0 0 0 0 0 0 0 0 20 0 1 0 24")] // flags not a number
    public void Should_refuse_what_is_not_a_stat_line(string line) =>
        Assert.False(ProcfsParser.TryParseStat(Bytes(line), out _));

    [Fact]
    public void Should_read_memory_from_status_in_bytes()
    {
        const string status = """
            Name:	dotnet
            Umask:	0022
            State:	S (sleeping)
            Tgid:	7311
            VmPeak:	 3060 kB
            VmHWM:	    1692 kB
            VmRSS:	    1692 kB
            RssAnon:	     116 kB
            RssFile:	    1568 kB
            RssShmem:	       8 kB
            VmData:	     360 kB
            VmPTE:	      44 kB
            VmSwap:	      12 kB
            HugetlbPages:	       0 kB
            Threads:	1
            SigQ:	0/96365

            """;
        var s = ProcfsParser.ParseStatus(Bytes(status));

        Assert.Equal(new ProcfsStatus(1692L * 1024, 116L * 1024, 1568L * 1024, 8L * 1024, 12L * 1024), s);
        Assert.Equal(s.VmRssBytes, s.AnonBytes + s.FileBytes + s.ShmemBytes);
    }

    [Fact]
    public void Should_read_zero_memory_for_a_kernel_thread()
    {
        const string status = "Name:\tkthreadd\nUmask:\t0022\nState:\tS (sleeping)\nKthread:\t1\nThreads:\t1\nSigQ:\t0/96365\n";
        Assert.Equal(default, ProcfsParser.ParseStatus(Bytes(status)));
    }

    [Fact]
    public void Should_not_mistake_similar_keys()
    {
        // VmRSSx is not VmRSS; a line without a colon is skipped.
        var s = ProcfsParser.ParseStatus(Bytes("VmRSSx:\t99 kB\nnonsense\nVmRSS:\t4 kB\n"));
        Assert.Equal(4096, s.VmRssBytes);
    }

    [Theory]
    [InlineData("/usr/bin/dotnet\0exec\0test.dll\0", "/usr/bin/dotnet exec test.dll")]
    [InlineData("sleep\0" + "30", "sleep 30")]                 // no trailing NUL
    [InlineData("nginx: worker process\0\0\0\0\0\0", "nginx: worker process")] // a rewritten title, NUL-padded
    [InlineData("a\0\0b\0", "a  b")]                           // an empty argument stays an argument
    [InlineData("", "")]                                        // kernel threads and zombies
    public void Should_join_the_command_line_with_spaces(string raw, string expected) =>
        Assert.Equal(expected, ProcfsParser.ParseCmdline(Bytes(raw)));

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
