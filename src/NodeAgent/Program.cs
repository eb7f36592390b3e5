using MemGrowth.NodeAgent.Probe;
using Microsoft.Extensions.Logging;

namespace MemGrowth.NodeAgent;

internal static class Program
{
    public static int Main(string[] args)
    {
        using var factory = LoggerFactory.Create(b => b.AddConsole().SetMinimumLevel(LogLevel.Debug));
        var logger = factory.CreateLogger("probe");
        using var probe = MemGrowthProbe.Open(new ProbeSettings(), logger);
        probe.Configure();
        probe.Load();
        probe.Attach();
        using var reader = new RingReader(probe.EventsFd, batch =>
        {
            foreach (var e in batch)
            {
                Console.WriteLine($"{e.Kind} {e.Key} {e.Comm} rss={e.Sample.RssBytes} t={e.Sample.Time:F3}");
            }
        }, logger);
        reader.Start();
        Thread.Sleep(int.Parse(args.FirstOrDefault() ?? "5") * 1000);
        var s = probe.ReadStats();
        Console.WriteLine($"hits={s.Hits} samples={s.Samples} drops={s.RingDrops} full={s.MapFull} unattr={s.Unattributed} teardown={s.Teardown} exits={s.Exits} flushes={s.Flushes} states={probe.ReadStates().Count}");
        return 0;
    }
}
