using Akka.Actor;
using Akka.Event;
using MemGrowth.Shared.Messages;

namespace MemGrowth.NodeAgent.Output;

/// <summary>
/// Writes detections to the console (human lines) and to a JSON-lines file or stdout, and hands them to the
/// leak history when the node keeps one. One writer, so lines never interleave; a failing sink is logged
/// once and the others carry on.
/// </summary>
public sealed class DetectionPublisher : ReceiveActor
{
    private readonly TextWriter? _console;
    private readonly TextWriter? _jsonl;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _jsonlFailed;

    public DetectionPublisher(TextWriter? console, TextWriter? jsonl, IActorRef? history)
    {
        _console = console;
        _jsonl = jsonl;
        Receive<Detection>(d =>
        {
            Write(DetectionText.Format(d), DetectionJson.Format(d));
            history?.Tell(d);
        });
        Receive<AgentReady>(r => Write(DetectionText.Format(r), DetectionJson.Format(r)));
    }

    public static Props Props(TextWriter? console, TextWriter? jsonl, IActorRef? history = null) =>
        Akka.Actor.Props.Create(() => new DetectionPublisher(console, jsonl, history));

    private void Write(string text, string json)
    {
        _console?.WriteLine(text);
        _console?.Flush();
        if (_jsonl is null || _jsonlFailed)
        {
            return;
        }

        try
        {
            _jsonl.WriteLine(json);
            _jsonl.Flush();
        }
        catch (IOException e)
        {
            _jsonlFailed = true;
            _log.Error(e, "writing --jsonl failed; JSON output stops, console output goes on");
        }
    }
}
