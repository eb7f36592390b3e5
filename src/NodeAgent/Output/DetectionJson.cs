using MemGrowth.Shared.Messages;

namespace MemGrowth.NodeAgent.Output;

/// <summary>
/// One JSON object per line: the --jsonl contract, whose fields are <see cref="DetectionLine"/>'s and
/// <see cref="AgentReadyLine"/>'s (snake_case, bytes, ISO 8601 UTC), written through the messages' one JSON context.
/// </summary>
internal static class DetectionJson
{
    public static string Format(Detection d) => DetectionLine.Of(d).ToJson();

    public static string Format(AgentReady ready) => AgentReadyLine.Of(ready).ToJson();
}
