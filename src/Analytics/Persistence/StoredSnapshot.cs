namespace MemGrowth.Analytics.Persistence;

/// <summary>One row of the snapshot store's table, as the plugin wrote it (created: UTC ticks).</summary>
internal sealed record StoredSnapshot(long SequenceNr, long Created, byte[] Payload, string Manifest, int? SerializerId);
