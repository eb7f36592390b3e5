namespace MemGrowth.NodeAgent.Sources;

/// <summary>Every user process running now, as Seen events: what the agent starts from.</summary>
public static class RunningProcesses
{
    public static List<SourceEvent> Take(double now, ProcfsReader? reader = null)
    {
        reader ??= new ProcfsReader();
        var events = new List<SourceEvent>();
        foreach (var pid in reader.ListPids())
        {
            if (reader.Read(pid) is { IsKernelThread: false, State: not 'Z' } p)
            {
                events.Add(new SourceEvent(SourceEventKind.Seen, p.Key, p.Comm, p.ToSample(now), now, p.RssBytes, 0));
            }
        }

        return events;
    }
}
