namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// Locates the external programs the interop tests start. A missing program is a test failure that names the
/// Debian package to install, never a skip: a green run must mean every peer really ran.
/// </summary>
public static class PeerBinaries
{
    private static readonly string[] SystemDirectories = ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"];

    /// <summary>Returns the absolute path of <paramref name="command"/> or fails the test.</summary>
    public static string Require(string command, string debianPackage)
    {
        var path = Find(command);
        if (path is null)
        {
            Assert.Fail($"{command} not found: install the Debian package {debianPackage} (scripts/test.sh does this)");
        }

        return path!;
    }

    /// <summary>Searches PATH and the system directories (sshd and danted live in sbin, often not on PATH).</summary>
    public static string? Find(string command)
    {
        if (Path.IsPathRooted(command))
        {
            return File.Exists(command) ? command : null;
        }

        var pathVariable = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in pathVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(SystemDirectories))
        {
            var candidate = Path.Combine(dir, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>True when the tests run as root (needed to create system users and to start sshd with privilege separation).</summary>
    public static bool IsRoot => Environment.UserName == "root" || GetEuid() == 0;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();
}
