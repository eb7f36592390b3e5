using System.Globalization;
using System.Text.RegularExpressions;

namespace MemGrowth.Cli.Tests.Fleet;

/// <summary>The counts of a `memgrowth bench ingest --progress` line ("ingest: acked 100/800 appended 800 ..."); -1 on other lines.</summary>
internal static class IngestProgress
{
    public static int Acked(string line) => Field(line, "acked");

    public static int Appended(string line) => Field(line, "appended");

    private static int Field(string line, string name)
    {
        var match = Regex.Match(line, $@"^ingest: .*\b{name} (\d+)");
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }
}
