using System.Text.Json.Serialization;

namespace MemGrowth.Shared.Messages;

/// <summary>
/// A detection on its way from an agent's outbox to its leak entity, redelivered until acknowledged.
/// <paramref name="Seq"/> numbers the producer's outbox, so an ack names exactly what it settles.
/// </summary>
/// <param name="Producer">The sending agent's outbox (its host name and outbox directory identify it).</param>
public sealed record DeliverDetection(string Producer, long Seq, Detection Detection);

/// <summary>
/// The leak entity journaled what a <see cref="DeliverDetection"/> meant, or found it a duplicate: either
/// way the producer may forget <paramref name="Seq"/>.
/// </summary>
public sealed record DetectionAck(string Producer, long Seq);

/// <summary>
/// Several detections of one leak, oldest first, each with its outbox sequence number
/// (<paramref name="Seqs"/>[i] numbers <paramref name="Detections"/>[i]): what a producer with a backlog for a
/// leak sends instead of one <see cref="DeliverDetection"/> at a time, so the entity journals them in one
/// write and settles them with one <see cref="DetectionsAck"/>. Compared by content.
/// </summary>
public sealed record DeliverDetections
{
    public DeliverDetections(string producer, IReadOnlyList<long> seqs, IReadOnlyList<Detection> detections)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentNullException.ThrowIfNull(seqs);
        ArgumentNullException.ThrowIfNull(detections);
        if (seqs.Count == 0 || seqs.Count != detections.Count)
        {
            throw new ArgumentException($"a batch holds one sequence number per detection and at least one ({seqs.Count} for {detections.Count})", nameof(seqs));
        }

        var leak = LeakId.Of(detections[0]);
        if (detections.Any(d => LeakId.Of(d) != leak))
        {
            throw new ArgumentException($"a batch holds the detections of one leak ({leak}), not of several", nameof(detections));
        }

        Producer = producer;
        Seqs = seqs;
        _detections = detections;
    }

    private DeliverDetections(string producer, LeakId leak, IReadOnlyList<long> seqs, IReadOnlyList<ReadOnlyMemory<byte>> encoded)
    {
        Producer = producer;
        Seqs = seqs;
        Encoded = encoded;
        _leak = leak;
    }

    public string Producer { get; }

    public IReadOnlyList<long> Seqs { get; }

    /// <summary>The detections, read from <see cref="Encoded"/> on first use when the batch was made from it.</summary>
    public IReadOnlyList<Detection> Detections => _detections ??= [.. Encoded!.Select(e => (Detection)MessageSerializer.Decode(e.Span, MessageSerializer.DetectionManifest))];

    /// <summary>The detections as an agent's outbox holds them (their "detection.v1" JSON), when the batch was made from it: sent as they are.</summary>
    [JsonIgnore]
    public IReadOnlyList<ReadOnlyMemory<byte>>? Encoded { get; }

    private IReadOnlyList<Detection>? _detections;

    private readonly LeakId? _leak;

    /// <summary>
    /// A batch of one leak's detections as the producer's outbox holds them (each its "detection.v1" JSON,
    /// of <paramref name="leak"/>, as <see cref="LeakId.Of"/> grouped them), so sending it serializes nothing
    /// again and routing it reads none of them (the leak is given); the receiving node reads them, and refuses
    /// a batch of several leaks there.
    /// </summary>
    public static DeliverDetections OfEncoded(string producer, LeakId leak, IReadOnlyList<long> seqs, IReadOnlyList<ReadOnlyMemory<byte>> encoded)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentNullException.ThrowIfNull(seqs);
        ArgumentNullException.ThrowIfNull(encoded);
        if (seqs.Count == 0 || seqs.Count != encoded.Count)
        {
            throw new ArgumentException($"a batch holds one sequence number per detection and at least one ({seqs.Count} for {encoded.Count})", nameof(seqs));
        }

        return new DeliverDetections(producer, leak, seqs, encoded);
    }

    /// <summary>The leak every detection of the batch belongs to (as given to <see cref="OfEncoded"/>, without reading them).</summary>
    [JsonIgnore]
    public LeakId Leak => _leak ?? LeakId.Of(Detections[0]);

    public bool Equals(DeliverDetections? other) =>
        other is not null && Producer == other.Producer && Seqs.SequenceEqual(other.Seqs) && Detections.SequenceEqual(other.Detections);

    public override int GetHashCode() => HashCode.Combine(Producer, Seqs.Count, Seqs[0]);
}

/// <summary>
/// The leak entity journaled what a <see cref="DeliverDetections"/> meant (or found its detections
/// duplicates): the producer may forget every one of <paramref name="Seqs"/>. Compared by content.
/// </summary>
public sealed record DetectionsAck(string Producer, IReadOnlyList<long> Seqs)
{
    public bool Equals(DetectionsAck? other) => other is not null && Producer == other.Producer && Seqs.SequenceEqual(other.Seqs);

    public override int GetHashCode() => HashCode.Combine(Producer, Seqs.Count);
}
