using System.Text.Json;

namespace MemGrowth.Cli.Tests.Fleet;

/// <summary>An agent's --jsonl file as it stands: each complete line's type and pid (0 for none).</summary>
internal static class Jsonl
{
    public static List<(string Type, int Pid)> Lines(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var found = new List<(string, int)>();
        while (reader.ReadLine() is { } line)
        {
            if (line.EndsWith('}'))
            {
                var root = JsonDocument.Parse(line).RootElement;
                found.Add((root.GetProperty("type").GetString() ?? "", root.TryGetProperty("pid", out var p) ? p.GetInt32() : 0));
            }
        }

        return found;
    }
}
