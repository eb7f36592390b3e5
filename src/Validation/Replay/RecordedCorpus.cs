using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using MemGrowth.Validation.Scoring;

namespace MemGrowth.Validation.Replay;

/// <summary>One labelled process of a validation run with the agent's sample stream for it, for offline replay.</summary>
public sealed record RecordedProcess(SubjectRun Run, ProcessTrace? Trace);

/// <summary>
/// A validation run's labelled processes and their traces, saved as gzipped JSON lines
/// (traces.jsonl.gz beside the report), so the classifier can be scored offline in milliseconds.
/// </summary>
public static class RecordedCorpus
{
    private static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Save(string path, IEnumerable<RecordedProcess> processes)
    {
        ArgumentNullException.ThrowIfNull(processes);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
        using var writer = new StreamWriter(gzip);
        foreach (var process in processes)
        {
            writer.WriteLine(JsonSerializer.Serialize(process, Options));
        }
    }

    public static IReadOnlyList<RecordedProcess> Load(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var processes = new List<RecordedProcess>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                processes.Add(JsonSerializer.Deserialize<RecordedProcess>(line, Options)
                    ?? throw new InvalidDataException($"{path}: a line holds no process"));
            }
        }

        return processes;
    }
}
