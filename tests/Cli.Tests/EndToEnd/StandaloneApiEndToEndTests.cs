using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace MemGrowth.Cli.Tests.EndToEnd;

/// <summary>
/// The standalone node holds the analytics role too: what `memgrowth run` detects reaches its HTTP API
/// through the journal and the live projection, with nothing else started; a taken port is one clear line.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class StandaloneApiEndToEndTests(AgentProcess agent)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task A_detected_leak_is_served_by_the_standalone_api_while_the_agent_runs()
    {
        using var grower = AgentProcess.StartMemgrowth("grow", "--pattern", "linear", "--rate", "2", "--duration", "20");
        Assert.NotNull(agent.WaitFor(l => Is(l, "growth_detected", grower.Id), TimeSpan.FromSeconds(30)));

        // Journaled by the leak entity, then projected within about a second: the API answers from the read model.
        var leak = await PollAsync(async () => (await LeaksAsync()).Cast<JsonElement?>().FirstOrDefault(l => l!.Value.GetProperty("pid").GetInt32() == grower.Id), TimeSpan.FromSeconds(20));

        Assert.True(leak.ValueKind == JsonValueKind.Object, $"{agent.ApiUrl}/api/leaks never listed pid {grower.Id}");
        Assert.Equal("linear", leak.GetProperty("pattern").GetString());
        Assert.InRange(leak.GetProperty("growth_bytes_per_sec").GetDouble(), 1.6 * 1048576, 2.4 * 1048576);
        var id = leak.GetProperty("id").GetString()!;
        using var detail = JsonDocument.Parse(await Http.GetStringAsync(new Uri($"{agent.ApiUrl}/api/leaks/{id}")));
        Assert.True(detail.RootElement.GetProperty("reports").GetArrayLength() >= 1, detail.RootElement.ToString());

        // Its service's trend comes from the standalone node's own trend entity, fed by the trend projection: a
        // second consumer of the same journal, so it may list the service a moment after the leak projection.
        var service = leak.GetProperty("service").GetString()!;
        var trend = await PollAsync(() => ServiceAsync(service), TimeSpan.FromSeconds(20));
        Assert.True(trend.ValueKind == JsonValueKind.Object, $"{agent.ApiUrl}/api/services/{service} never answered");
        var summary = trend.GetProperty("trend");
        Assert.Equal("entity", summary.GetProperty("source").GetString());
        Assert.True(summary.GetProperty("processes").GetInt32() >= 1, trend.ToString());
        grower.Kill();
    }

    [Fact]
    public void Should_refuse_a_second_node_on_the_same_history_naming_the_first()
    {
        using var second = AgentProcess.StartMemgrowth("run", "--source", "procfs", "--data-dir", agent.HistoryDir, "--api", "", "--status-file", "", "--duration", "30s", "--quiet");
        var error = second.StandardError.ReadToEnd();
        Assert.True(second.WaitForExit(TimeSpan.FromSeconds(30)), "a second node ran on a history already in use");

        Assert.Equal(2, second.ExitCode);
        Assert.Contains($"data-dir {agent.HistoryDir} is in use by another memgrowth (pid {agent.Pid})", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_say_which_port_is_taken_and_how_to_choose_another()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var dir = Directory.CreateTempSubdirectory("memgrowth-api-port").FullName;
        try
        {
            using var run = AgentProcess.StartMemgrowth("run", "--source", "procfs", "--data-dir", dir, "--api", $"127.0.0.1:{port}", "--status-file", "", "--duration", "30s", "--quiet");
            var error = run.StandardError.ReadToEnd();
            Assert.True(run.WaitForExit(TimeSpan.FromSeconds(30)), "the agent kept running with its API port taken");

            Assert.Equal(2, run.ExitCode);
            Assert.Contains($"127.0.0.1:{port}: the port is in use", error, StringComparison.Ordinal);
            Assert.Contains("--api ADDRESS:PORT", error, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private async Task<List<JsonElement>> LeaksAsync()
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync(new Uri($"{agent.ApiUrl}/api/leaks")));
        return [.. doc.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private async Task<JsonElement?> ServiceAsync(string service)
    {
        using var response = await Http.GetAsync(new Uri($"{agent.ApiUrl}/api/services/{Uri.EscapeDataString(service)}"));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    private static bool Is(JsonElement line, string type, int pid) =>
        line.GetProperty("type").GetString() == type && line.TryGetProperty("pid", out var p) && p.GetInt32() == pid;

    private static async Task<JsonElement> PollAsync(Func<Task<JsonElement?>> probe, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var found = await probe();
            if (found is not null || clock.Elapsed > timeout)
            {
                return found ?? default;
            }

            await Task.Delay(250);
        }
    }
}
