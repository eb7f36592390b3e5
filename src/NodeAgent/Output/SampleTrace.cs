using System.Globalization;
using Akka.Actor;
using MemGrowth.NodeAgent.Actors;

namespace MemGrowth.NodeAgent.Output;

/// <summary>
/// `--trace PATH`: every source event as one CSV line (kind, pid, start ticks, monotonic time, bytes by
/// type), so a session's sample stream can be replayed through the classifier offline.
/// </summary>
internal sealed class SampleTrace : ReceiveActor
{
    public SampleTrace(TextWriter writer)
    {
        writer.WriteLine("kind,pid,start_ticks,time,file_bytes,anon_bytes,swap_bytes,shmem_bytes,comm");
        Receive<SourceBatch>(batch =>
        {
            foreach (var e in batch.Events)
            {
                var s = e.Sample;
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{e.Kind},{e.Key.Pid},{e.Key.StartTicks},{s.Time:F3},{s.FileBytes},{s.AnonBytes},{s.SwapBytes},{s.ShmemBytes},{e.Comm.Replace(',', ' ')}"));
            }

            writer.Flush();
        });
    }

    public static Props Props(TextWriter writer) => Akka.Actor.Props.Create(() => new SampleTrace(writer));
}
