using System.Globalization;
using Akka.Actor;
using MemGrowth.NodeAgent.Actors;
using MemGrowth.NodeAgent.Sources;

namespace MemGrowth.NodeAgent.Output;

/// <summary>
/// `--trace PATH`: every source event as one CSV line (kind, pid, start ticks, monotonic time, bytes by
/// type, the process's age at the sample, and when the agent received it), so a session's sample stream
/// can be replayed through the classifier offline (`memgrowth validate` does) and the agent's tracking
/// and clean-up delays measured.
/// </summary>
public sealed class SampleTrace : ReceiveActor
{
    public SampleTrace(TextWriter writer)
    {
        writer.WriteLine("kind,pid,start_ticks,time,file_bytes,anon_bytes,swap_bytes,shmem_bytes,comm,age,received");
        Receive<SourceBatch>(batch =>
        {
            var received = MonotonicClock.NowSeconds;
            var suspended = MonotonicClock.BoottimeMinusMonotonic();
            foreach (var e in batch.Events)
            {
                var s = e.Sample;
                var age = MonotonicClock.AgeAt(s.Time, e.Key.StartTicks, suspended);
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{e.Kind},{e.Key.Pid},{e.Key.StartTicks},{s.Time:F3},{s.FileBytes},{s.AnonBytes},{s.SwapBytes},{s.ShmemBytes},{e.Comm.Replace(',', ' ')},{age:F3},{received:F3}"));
            }

            writer.Flush();
        });
    }

    public static Props Props(TextWriter writer) => Akka.Actor.Props.Create(() => new SampleTrace(writer));
}
