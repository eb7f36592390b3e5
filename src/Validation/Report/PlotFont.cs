using ScottPlot;
using SkiaSharp;

namespace MemGrowth.Validation.Report;

/// <summary>
/// The one font every plot uses, loaded from the assembly rather than the host: ScottPlot's own pick of a
/// system font draws no text at all with SkiaSharp's fontconfig-free Linux build, and a CI machine may have no
/// fonts installed. The font is a subset of DejaVu Sans (Bitstream Vera licence), embedded from
/// Report/Font/DejaVuSans-Subset.ttf; how it was cut and its licence are in the LICENSE file beside it.
/// </summary>
internal static class PlotFont
{
    public const string Name = "MemGrowth Plot Sans";

    /// <summary>The font's manifest resource name, fixed in Validation.csproj so that moving the file does not change it.</summary>
    private const string ResourceName = "MemGrowth.Validation.Report.PlotFont.ttf";

    private static readonly Lazy<SKTypeface> Loaded = new(Load);

    private static readonly Lazy<bool> Registered = new(() =>
    {
        Fonts.FontResolvers.Insert(0, new Resolver());
        return true;
    });

    public static SKTypeface Typeface => Loaded.Value;

    /// <summary>Makes <see cref="Name"/> known to ScottPlot (once per process) and sets it on every label of the plot.</summary>
    public static void Apply(Plot plot)
    {
        _ = Registered.Value;
        plot.Font.Set(Name);
    }

    private static SKTypeface Load()
    {
        using Stream stream = typeof(PlotFont).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The plot font ({ResourceName}) is not embedded in {typeof(PlotFont).Assembly.GetName().Name}.");
        using SKData data = SKData.Create(stream);
        return SKTypeface.FromData(data)
            ?? throw new InvalidOperationException("The embedded plot font could not be read by SkiaSharp.");
    }

    private sealed class Resolver : IFontResolver
    {
        // Bold and italic requests get the regular face: one face keeps the assembly small, and the plots
        // only use weight for titles.
        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Name ? Typeface : null;

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) =>
            fontName == Name ? Typeface : null;
    }
}
