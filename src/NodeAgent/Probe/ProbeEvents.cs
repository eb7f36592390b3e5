using System.Runtime.InteropServices;

namespace MemGrowth.NodeAgent.Probe;

// C# mirrors of bpf/memgrowth.h. The header is the source of truth; EventLayoutTests compares every
// size and offset with what a C compiler makes of it.

internal enum ProbeEventType : uint
{
    Seen = 1,
    Sample = 2,
    Exit = 3,
    OomKill = 4,
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MgEvent
{
    public ProbeEventType Type;
    public uint Tgid;
    public ulong StartBoottimeNs;
    public ulong TimeNs;
    public ulong FirstSeenNs;
    public long FilePages;
    public long AnonPages;
    public long SwapPages;
    public long ShmemPages;
    public ulong PeakPages;
    public ulong CgroupId;
    public fixed byte Comm[16];
}

/// <summary>The OOM killer marked a victim; RSS in kB, as the tracepoint reports it (when RssKnown is 1).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MgOomEvent
{
    public ProbeEventType Type;
    public uint Tgid;
    public ulong StartBoottimeNs;
    public ulong TimeNs;
    public ulong AnonRssKb;
    public ulong FileRssKb;
    public ulong ShmemRssKb;
    public uint Pid;
    public uint RssKnown;
    public fixed byte Comm[16];
}

[StructLayout(LayoutKind.Sequential)]
internal struct MgConfig
{
    public ulong IntervalJiffies;
    public long MinDeltaPages;
    public ulong WakeupBytes;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MgState
{
    public ulong StartBoottimeNs;
    public ulong FirstSeenNs;
    public ulong LastCheckJiffies;
    public ulong LastEmitNs;
    public long FilePages;
    public long AnonPages;
    public long SwapPages;
    public long ShmemPages;
    public ulong PeakPages;
    public ulong CgroupId;
    public ulong Mm;
    public uint Dirty;
    public uint Pad;
    public fixed byte Comm[16];
}

[StructLayout(LayoutKind.Sequential)]
internal struct MgStats
{
    public ulong Hits;
    public ulong Samples;
    public ulong RingDrops;
    public ulong MapFull;
    public ulong Unattributed;
    public ulong Teardown;
    public ulong Exits;
    public ulong Flushes;
    public ulong OomKills;
}

[StructLayout(LayoutKind.Sequential)]
internal struct MgCpu
{
    public MgStats Stats;
    public ulong LastMm;
    public ulong LastJiffies;
    public uint LastTgid;
    public uint Pad;
}
