namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// A per-peer temporary directory for configuration, keys, served files and logs. World-readable because peers
/// that drop privileges (nginx workers, dante children, tinyproxy) must read what the test wrote there.
/// </summary>
public sealed class PeerDirectory : IDisposable
{
    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public PeerDirectory(string peerName)
    {
        Path = Directory.CreateTempSubdirectory($"alknet-{peerName}-").FullName;
        File.SetUnixFileMode(Path, Readable);
    }

    public string Path { get; }

    /// <summary>Absolute path of <paramref name="name"/> inside the directory.</summary>
    public string FilePath(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Creates (world-readable) a subdirectory and returns its absolute path.</summary>
    public string CreateSubdirectory(string name)
    {
        var sub = Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;
        File.SetUnixFileMode(sub, Readable);
        return sub;
    }

    /// <summary>Writes a text file and returns its absolute path.</summary>
    public string WriteText(string name, string content)
    {
        var path = FilePath(name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A peer killed a moment ago may still hold a log open; the temp dir is cleaned by the OS eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
