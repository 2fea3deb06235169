using System.Diagnostics;
using System.Text.RegularExpressions;
using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Tunnel;

/// <summary>
/// Which processes hold the client end of the established TCP connections to a loopback port, from iproute2's
/// <c>ss -tnpH</c>. It tells who really dialed a target: alknet serve itself, or the upstream proxy it was told to use.
/// </summary>
public static partial class SocketOwners
{
    /// <summary>Process names owning established connections whose remote port is <paramref name="port"/> (one entry per socket).</summary>
    public static async Task<IReadOnlyList<string>> OfConnectionsToAsync(int port)
    {
        var ss = PeerBinaries.Require("ss", "iproute2");
        var info = new ProcessStartInfo(ss) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["-tnpH", "state", "established", "dport", "=", $":{port}"])
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        Assert.That(process.ExitCode, Is.Zero, $"ss failed: {await stderr.ConfigureAwait(false)}");
        var owners = new List<string>();
        foreach (var line in (await stdout.ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var users = Users().Match(line);
            owners.Add(users.Success ? users.Groups[1].Value : "(unknown)");
        }

        return owners;
    }

    [GeneratedRegex("""users:\(\("([^"]+)",""")]
    private static partial Regex Users();
}
