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
/// (<see cref="DetectionSeqs"/>[i] numbers <see cref="Detections"/>[i]): what a producer with a backlog for a
/// leak sends instead of one <see cref="DeliverDetection"/> at a time, so the entity journals them in one
/// write and settles them with one <see cref="DetectionsAck"/> of all its <see cref="Seqs"/>. Compared by content.
/// </summary>
/// <remarks>
/// A batch read off the wire keeps what reads and passes <see cref="DetectionCheck"/> as its detections, of
/// the leak of the first such one, and the rest as <see cref="Refused"/> (a detection that does not read, is
/// not a node's, or is of another leak): one bad record must neither cost the good ones of its batch nor be
/// journaled, and the ack still settles every sequence number the producer sent. A batch whose detections were
/// all refused belongs to no leak (<see cref="HasLeak"/>).
/// </remarks>
public sealed record DeliverDetections
{
    /// <summary>Most detections an agent puts in one batch (its delivery's and config's bound).</summary>
    public const int MostDetections = 64;

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
        _read = new Sorted(seqs, detections, [], leak);
    }

    private DeliverDetections(string producer, LeakId leak, IReadOnlyList<long> seqs, IReadOnlyList<ReadOnlyMemory<byte>> encoded)
    {
        Producer = producer;
        Seqs = seqs;
        Encoded = encoded;
        _leak = leak;
    }

    private DeliverDetections(string producer, IReadOnlyList<long> seqs, Sorted read)
    {
        Producer = producer;
        Seqs = seqs;
        _read = read;
    }

    public string Producer { get; }

    /// <summary>Every sequence number the batch settles, as the producer sent them: its ack names these, refused ones included.</summary>
    public IReadOnlyList<long> Seqs { get; }

    /// <summary>
    /// The detections that read (and, in a batch read off the wire, passed <see cref="DetectionCheck"/>), read
    /// from <see cref="Encoded"/> on first use when the batch was made from it.
    /// </summary>
    public IReadOnlyList<Detection> Detections => Read.Detections;

    /// <summary>The sequence number of each of <see cref="Detections"/> (all of <see cref="Seqs"/> when none was refused).</summary>
    [JsonIgnore]
    public IReadOnlyList<long> DetectionSeqs => Read.Seqs;

    /// <summary>The detections not accepted, with why: never journaled, still acknowledged.</summary>
    [JsonIgnore]
    public IReadOnlyList<RefusedDetection> Refused => Read.Refused;

    /// <summary>The detections as an agent's outbox holds them (their "detection.v1" JSON), when the batch was made from it: sent as they are.</summary>
    [JsonIgnore]
    public IReadOnlyList<ReadOnlyMemory<byte>>? Encoded { get; }

    private Sorted? _read;

    private readonly LeakId? _leak;

    private Sorted Read => _read ??= Sort(Seqs, Encoded!, _leak);

    /// <summary>
    /// A batch of one leak's detections as the producer's outbox holds them (each its "detection.v1" JSON,
    /// of <paramref name="leak"/>, as <see cref="LeakId.Of"/> grouped them), so sending it serializes nothing
    /// again and routing it reads none of them (the leak is given); the receiving node reads them, and refuses
    /// there any that does not read or is of another leak.
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

    /// <summary>
    /// A batch read off the wire: every sequence number sent (<paramref name="seqs"/>), and the encoded detections
    /// of those not refused already (<paramref name="pending"/>, numbered by <paramref name="pendingSeqs"/>), each
    /// read and checked here.
    /// </summary>
    internal static DeliverDetections Received(string producer, IReadOnlyList<long> seqs, IReadOnlyList<long> pendingSeqs, IReadOnlyList<ReadOnlyMemory<byte>> pending, IReadOnlyList<RefusedDetection> refused)
    {
        var read = Sort(pendingSeqs, pending, null);
        return new DeliverDetections(producer, seqs, read with { Refused = [.. refused, .. read.Refused] });
    }

    /// <summary>Whether the batch belongs to a leak: false when every detection was refused.</summary>
    [JsonIgnore]
    public bool HasLeak => _leak is not null || Read.Leak is not null;

    /// <summary>The leak every detection of the batch belongs to (as given to <see cref="OfEncoded"/>, without reading them).</summary>
    /// <exception cref="InvalidOperationException">Every detection was refused (<see cref="HasLeak"/> is false).</exception>
    [JsonIgnore]
    public LeakId Leak => _leak ?? Read.Leak ?? throw new InvalidOperationException($"every detection of the batch of {Producer} was refused: it belongs to no leak");

    public bool Equals(DeliverDetections? other) =>
        other is not null && Producer == other.Producer && Seqs.SequenceEqual(other.Seqs) && Detections.SequenceEqual(other.Detections)
        && DetectionSeqs.SequenceEqual(other.DetectionSeqs) && Refused.SequenceEqual(other.Refused);

    public override int GetHashCode() => HashCode.Combine(Producer, Seqs.Count, Seqs[0]);

    /// <summary>
    /// Reads each detection: one that does not read, fails <see cref="DetectionCheck"/>, or is of another leak
    /// than <paramref name="leak"/> (when not given: than the first accepted) is refused.
    /// </summary>
    private static Sorted Sort(IReadOnlyList<long> seqs, IReadOnlyList<ReadOnlyMemory<byte>> encoded, LeakId? leak)
    {
        var accepted = new List<Detection>(encoded.Count);
        var acceptedSeqs = new List<long>(encoded.Count);
        var refused = new List<RefusedDetection>();
        for (var i = 0; i < encoded.Count; i++)
        {
            Detection detection;
            try
            {
                detection = (Detection)MessageSerializer.Decode(encoded[i].Span, MessageSerializer.DetectionManifest);
            }
            catch (System.Runtime.Serialization.SerializationException e)
            {
                refused.Add(new RefusedDetection(seqs[i], e.Message));
                continue;
            }

            if (DetectionCheck.Problem(detection) is { } problem)
            {
                refused.Add(new RefusedDetection(seqs[i], problem));
                continue;
            }

            var of = LeakId.Of(detection);
            leak ??= of;
            if (of != leak)
            {
                refused.Add(new RefusedDetection(seqs[i], $"a detection of {of} in a batch of {leak}"));
                continue;
            }

            accepted.Add(detection);
            acceptedSeqs.Add(seqs[i]);
        }

        return new Sorted(acceptedSeqs, accepted, refused, accepted.Count > 0 ? leak : null);
    }

    private sealed record Sorted(IReadOnlyList<long> Seqs, IReadOnlyList<Detection> Detections, IReadOnlyList<RefusedDetection> Refused, LeakId? Leak);
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
