using Microsoft.Extensions.Logging;

namespace MemGrowth.Cli.Hosting;

/// <summary>
/// The executable's logs, for every role and its Akka system alike: one line each, on stderr (stdout carries
/// detections and answers), information and above (debug with MEMGROWTH_LOG=debug), libraries' own at
/// warning and above.
/// </summary>
internal static class ConsoleLogs
{
    public static void Configure(ILoggingBuilder logs)
    {
        logs.ClearProviders()
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(Environment.GetEnvironmentVariable("MEMGROWTH_LOG") == "debug" ? LogLevel.Debug : LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Akka", LogLevel.Warning)
            // The generic host logs a failed start with its stack trace; the command says it in one line instead.
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
    }
}
