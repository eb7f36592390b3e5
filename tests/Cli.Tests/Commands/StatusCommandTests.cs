using System.Text.Json;
using MemGrowth.Cli.Commands;
using MemGrowth.NodeAgent.Agent;
using Xunit;

namespace MemGrowth.Cli.Tests.Commands;

/// <summary>`memgrowth status` reads the status file as the agent writes it.</summary>
public sealed class StatusCommandTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Should_say_what_the_outbox_holds_and_why_its_disk_fails()
    {
        var status = new AgentStatus(Now, "procfs", 4242, 310, 9000, 0, 0, null,
            new OutboxStatus(Pending: 57, PendingBytes: 58 << 10, MaxBytes: 64 << 20, Dropped: 0, Resent: 12, WriteFailures: 3, Quarantined: 1, CorruptBytes: 40, Fault: "No space left on device"));

        var lines = Describe(status);

        Assert.Contains("outbox             57 pending (58 of 65536 KiB)  dropped 0  resent 12", lines);
        Assert.Contains("outbox disk        write failures 3  quarantined 1  corrupt bytes skipped 40", lines);
        Assert.Contains(lines, l => l.StartsWith("outbox fault       No space left on device: detections are held in memory", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_say_nothing_of_an_outbox_without_one_and_no_fault_when_its_disk_is_fine()
    {
        var none = Describe(new AgentStatus(Now, "bpf", 1, 2, 3, 0, 0, null));
        var fine = Describe(new AgentStatus(Now, "bpf", 1, 2, 3, 0, 0, null, new OutboxStatus(0, 0, 1 << 20, 0, 0, 0, 0, 0, null)));

        Assert.DoesNotContain(none, l => l.StartsWith("outbox", StringComparison.Ordinal));
        Assert.Contains(fine, l => l.StartsWith("outbox disk", StringComparison.Ordinal));
        Assert.DoesNotContain(fine, l => l.StartsWith("outbox fault", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_read_the_agent_s_status_file_unless_given_another()
    {
        Assert.Equal(new StatusOptions("/run/memgrowth/status.json", false), MemgrowthCommand.Parse<StatusOptions>("status"));
        Assert.Equal(new StatusOptions("/tmp/s.json", true), MemgrowthCommand.Parse<StatusOptions>("status", "--json", "--status-file", "/tmp/s.json"));
    }

    [Fact]
    public void Should_say_no_agent_is_running_without_a_status_file()
    {
        using var output = new StringWriter();

        Assert.Equal(1, StatusCommand.Run(new StatusOptions("/nonexistent/status.json", false), output));
        Assert.StartsWith("no agent is running (/nonexistent/status.json does not exist)", output.ToString(), StringComparison.Ordinal);
    }

    private static string[] Describe(AgentStatus status)
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(status, AgentStatus.Json));
        return StatusCommand.Describe(json.RootElement, Now).Split(Environment.NewLine);
    }
}
