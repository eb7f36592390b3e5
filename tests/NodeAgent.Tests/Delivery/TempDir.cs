namespace MemGrowth.NodeAgent.Tests.Delivery;

/// <summary>A fresh directory under the system's temporary one, removed with what it holds.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("memgrowth-outbox-").FullName;

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
