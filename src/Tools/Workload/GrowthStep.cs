namespace MemGrowth.Tools.Workload;

/// <summary>
/// What to do in one second: allocate <see cref="Bytes"/> (or free, when negative), spread across the
/// second unless <see cref="AllAtOnce"/>.
/// </summary>
internal readonly record struct GrowthStep(long Bytes, bool AllAtOnce)
{
    public static readonly GrowthStep None = new(0, false);

    public static GrowthStep Spread(long bytes) => new(bytes, false);

    public static GrowthStep AtOnce(long bytes) => new(bytes, true);
}
