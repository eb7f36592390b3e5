using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Cli.Commands;

/// <summary>
/// How an option's value is read, for every command: each parser throws <see cref="FormatException"/> or
/// <see cref="ArgumentException"/> with a sentence, and <see cref="Parsed{T}"/> turns that into a parse error
/// naming the option (exit 2, one line).
/// </summary>
internal static class OptionParsers
{
    /// <summary>An option whose one value <paramref name="parse"/> reads.</summary>
    /// <param name="helpName">The value's name in help (DURATION, SIZE, N, PATH).</param>
    public static Option<T> Parsed<T>(string name, string helpName, string description, Func<string, T> parse) => new(name)
    {
        HelpName = helpName,
        Description = description,
        CustomParser = result =>
        {
            var option = result.Parent is OptionResult o ? o.Option.Name : name;
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            try
            {
                return parse(text);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                result.AddError(e.Message.StartsWith(option, StringComparison.Ordinal) ? e.Message : $"{option}: {e.Message}");
                return default;
            }
        },
    };

    /// <summary>A plain text value (a path, a name); "" is a value too (`--data-dir ""` keeps no history).</summary>
    public static Option<string?> Text(string name, string helpName, string description) => new(name) { HelpName = helpName, Description = description };

    /// <summary>A flag without a value.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>See <see cref="Durations"/>.</summary>
    public static TimeSpan Duration(string text) => Durations.Parse(text);

    /// <summary>A <see cref="Duration"/> that is a whole number of seconds, at least <paramref name="least"/>, as seconds.</summary>
    public static Func<string, int> WholeSeconds(int least) => text =>
    {
        var span = Durations.Parse(text);
        if (span.Ticks % TimeSpan.TicksPerSecond != 0 || span.TotalSeconds > int.MaxValue)
        {
            throw new FormatException($"'{text}' is not a whole number of seconds (e.g. 60 or 2m)");
        }

        return span.TotalSeconds >= least ? (int)span.TotalSeconds : throw new FormatException($"'{text}' is too short: give at least {least}s");
    };

    /// <summary>See <see cref="Sizes"/>.</summary>
    public static long Size(string text) => Sizes.Parse(text);

    /// <summary>A whole number, at least <paramref name="least"/> (no sign: counts are never negative).</summary>
    public static Func<string, int> WholeNumber(int least) => text =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= least
            ? n
            : throw new FormatException($"'{text}' is not a whole number ≥ {least}");

    /// <summary>Any whole number, negative included (a seed).</summary>
    public static int Integer(string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FormatException($"'{text}' is not a whole number");

    /// <summary>A number with a decimal point allowed ("0.6", "1e-3").</summary>
    public static double Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new FormatException($"'{text}' is not a number");

    /// <summary>A <see cref="Number"/> more than 0.</summary>
    public static double PositiveNumber(string text) =>
        Number(text) is var v && v > 0 ? v : throw new FormatException($"'{text}' is not a positive number");

    /// <summary>The value of <paramref name="option"/> when the command line gives it, else <paramref name="current"/>.</summary>
    public static T Over<T>(this ParseResult result, Option<T> option, T current) =>
        result.GetResult(option) is null ? current : result.GetValue(option)!;
}
