using System.Collections;
using System.Text.Json.Serialization;

namespace MemGrowth.Shared.Messages;

/// <summary>
/// The samples behind a detection, oldest first, compared by content so the messages that carry them stay
/// value-equal. The default value is the empty series: what a message journaled before samples existed
/// reads as. On the wire a compact array of arrays, <c>[[unix_ms, rss, anon, file, swap], …]</c>, about
/// 50 bytes a sample (a detection carries at most a hundred or so).
/// </summary>
[JsonConverter(typeof(MemorySamplesJsonConverter))]
public readonly struct MemorySamples : IReadOnlyList<MemorySample>, IEquatable<MemorySamples>
{
    private readonly MemorySample[]? _items;

    public MemorySamples(IEnumerable<MemorySample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        _items = [.. samples];
    }

    public static MemorySamples Empty => default;

    public int Count => _items?.Length ?? 0;

    public MemorySample this[int index] => Items[index];

    private MemorySample[] Items => _items ?? [];

    public static bool operator ==(MemorySamples left, MemorySamples right) => left.Equals(right);

    public static bool operator !=(MemorySamples left, MemorySamples right) => !left.Equals(right);

    public IEnumerator<MemorySample> GetEnumerator() => ((IEnumerable<MemorySample>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(MemorySamples other) => Items.AsSpan().SequenceEqual(other.Items);

    public override bool Equals(object? obj) => obj is MemorySamples other && Equals(other);

    public override int GetHashCode() => Count == 0 ? 0 : HashCode.Combine(Count, Items[0], Items[^1]);

    public override string ToString() => $"{Count} samples";
}
