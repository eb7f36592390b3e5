namespace MemGrowth.Shared.Messages;

/// <summary>
/// What <see cref="MessageSerializer"/> hands Akka for bytes under its id that do not read (a journal row of
/// the wrong shape, an unknown manifest, a malformed message off the wire), instead of throwing: a throw
/// there fails a journal query stream at that row every time it is read again (the projection looped on one
/// such row) or a leak entity's recovery. Readers skip it, with its reason, where they would have read the
/// event: the projection quarantines it, an entity's recovery steps over it, sharding sends it to
/// the refused deliveries. Never written: the serializer refuses it, so no writer can journal or send one.
/// </summary>
/// <param name="Manifest">The manifest the bytes came under.</param>
/// <param name="Reason">Why they do not read.</param>
public sealed record UnreadableMessage(string Manifest, string Reason);

/// <summary>A detection of a delivery that was not accepted: which one (its outbox sequence number), and why.</summary>
public sealed record RefusedDetection(long Seq, string Reason);
