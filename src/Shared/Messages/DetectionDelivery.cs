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
