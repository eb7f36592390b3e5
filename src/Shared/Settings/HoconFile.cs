using Akka.Configuration;

namespace MemGrowth.Shared.Settings;

/// <summary>
/// Reads a HOCON config file, failing on what Akka's parser lets through. Its parser (Akka.Configuration.Hocon,
/// inside Akka.dll) stops an object at the end of the text without asking for the closing brace, and returns
/// from the root at the first stray one, ignoring the rest of the file: an unclosed <c>{</c> is accepted
/// silently, and a <c>}</c> too many drops every key after it. It reports neither, so the brackets are matched
/// here first. Outside quoted strings and comments a brace or bracket is always structure (HOCON forbids them
/// in unquoted strings), which is what keeps this check this small.
/// </summary>
public static class HoconFile
{
    /// <param name="what">How the message names the file ("config file", "fleet config").</param>
    /// <exception cref="ArgumentException">Missing, unreadable, or not valid HOCON: one line naming the file and the fault.</exception>
    public static Config Load(string path, string what)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ArgumentException($"{what} {path} does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{what} {path} cannot be read ({e.Message})", e);
        }

        if (Unbalanced(text) is { } fault)
        {
            throw new ArgumentException($"{what} {path} is not valid HOCON: {fault}");
        }

        try
        {
            return ConfigurationFactory.ParseString(text);
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            throw new ArgumentException($"{what} {path} is not valid HOCON: {FirstLine(e.Message)}", e);
        }
    }

    /// <summary>The first brace or bracket that does not match, as a sentence with its line; null when all do.</summary>
    public static string? Unbalanced(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
            }
            else if (c == '#' || (c == '/' && i + 1 < text.Length && text[i + 1] == '/'))
            {
                i = SkipTo(text, i, "\n") - 1; // the newline is counted by the loop
            }
            else if (c == '"' && string.CompareOrdinal(text, i, "\"\"\"", 0, 3) == 0)
            {
                var end = SkipTo(text, i + 3, "\"\"\"");
                if (end >= text.Length)
                {
                    return $"the \"\"\" string opened at line {line} is not closed";
                }

                line += Count(text, i, end + 3, '\n');
                i = end + 2;
            }
            else if (c == '"')
            {
                var start = line;
                for (i++; i < text.Length && text[i] is not ('"' or '\n'); i++)
                {
                    if (text[i] == '\\')
                    {
                        i++;
                    }
                }

                if (i >= text.Length || text[i] == '\n')
                {
                    return $"the \" string opened at line {start} is not closed on its line";
                }
            }
            else if (c is '{' or '[')
            {
                open.Push((c, line));
            }
            else if (c is '}' or ']')
            {
                if (open.Count == 0)
                {
                    return $"'{c}' at line {line} closes nothing";
                }

                var (bracket, at) = open.Pop();
                if (c != (bracket == '{' ? '}' : ']'))
                {
                    return $"'{c}' at line {line} does not close the '{bracket}' opened at line {at}";
                }
            }
        }

        return open.Count == 0 ? null : $"the '{open.Peek().Bracket}' opened at line {open.Peek().Line} is not closed";
    }

    private static int SkipTo(string text, int from, string end)
    {
        var at = text.IndexOf(end, from, StringComparison.Ordinal);
        return at < 0 ? text.Length : at;
    }

    private static int Count(string text, int from, int to, char c)
    {
        var n = 0;
        for (var i = from; i < Math.Min(to, text.Length); i++)
        {
            n += text[i] == c ? 1 : 0;
        }

        return n;
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
