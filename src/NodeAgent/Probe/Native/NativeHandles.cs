using Microsoft.Win32.SafeHandles;

namespace MemGrowth.NodeAgent.Probe.Native;

/// <summary>A loaded (or opened) bpf_object; closing it unloads programs and maps it still owns.</summary>
internal sealed class BpfObjectHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public BpfObjectHandle(IntPtr handle) : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        Libbpf.ObjectClose(handle);
        return true;
    }
}

/// <summary>An attachment of one program; destroying it detaches (and closes a perf event it owns).</summary>
internal sealed class BpfLinkHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public BpfLinkHandle(IntPtr handle) : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle() => Libbpf.LinkDestroy(handle) == 0;
}

/// <summary>libbpf's ring-buffer consumer (epoll set plus mmap of the ring).</summary>
internal sealed class RingBufferHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public RingBufferHandle(IntPtr handle) : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        Libbpf.RingBufferFree(handle);
        return true;
    }
}
