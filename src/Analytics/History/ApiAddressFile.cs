using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.History;

/// <summary>
/// Where a running standalone node's history API listens, in its data directory (api.address, one line): written
/// once the API is up, removed when the node stops, so `memgrowth leaks` on that directory asks the node
/// instead of reading the database. A node that crashed leaves it behind; a reader that finds nobody
/// answering there reads the database instead.
/// </summary>
public static class ApiAddressFile
{
    public const string FileName = "api.address";

    public static string PathOf(string dataDir) => Path.Combine(dataDir, FileName);

    /// <summary>Writes the address whole (a reader never sees half of it).</summary>
    public static void Write(string dataDir, Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("memgrowth runs on Linux");
        }

        var path = PathOf(dataDir);
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = PrivateModes.File }))
        using (var writer = new StreamWriter(file))
        {
            writer.WriteLine(address.ToString());
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Removes the file if it still names <paramref name="address"/> (another node may have started on the directory since).</summary>
    public static void Remove(string dataDir, Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (Read(dataDir) == address)
        {
            File.Delete(PathOf(dataDir));
        }
    }

    /// <summary>The address a node wrote; null when there is none or it does not read as an http address.</summary>
    public static Uri? Read(string dataDir)
    {
        try
        {
            var text = File.ReadAllText(PathOf(dataDir)).Trim();
            return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp ? uri : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return null;
        }
    }
}
