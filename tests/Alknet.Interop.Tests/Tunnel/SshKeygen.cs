using System.Diagnostics;
using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Tunnel;

/// <summary>OpenSSH's ssh-keygen for the keys a test needs: user keys, a user CA and the certificates it signs.</summary>
public static class SshKeygen
{
    /// <summary>Generates an unencrypted key pair at <paramref name="path"/> (and path.pub); returns the private key's path.</summary>
    public static async Task<string> GenerateAsync(string path, string type = "ed25519")
    {
        await RunAsync(["-q", "-t", type, "-N", "", "-C", Path.GetFileName(path), "-f", path]).ConfigureAwait(false);
        return path;
    }

    /// <summary>
    /// Signs <paramref name="keyPath"/>.pub as a user certificate of <paramref name="caPath"/> for
    /// <paramref name="principal"/>, valid from five minutes ago for an hour (ssh-interop.md §6); returns KEY-cert.pub.
    /// </summary>
    public static async Task<string> SignUserKeyAsync(string caPath, string keyPath, string principal)
    {
        await RunAsync(["-q", "-s", caPath, "-I", $"interop-{principal}", "-n", principal, "-V", "-5m:+1h", keyPath + ".pub"]).ConfigureAwait(false);
        return keyPath + "-cert.pub";
    }

    /// <summary>The public key line of <paramref name="keyPath"/>, for authorized_keys.</summary>
    public static string PublicKeyLine(string keyPath) => File.ReadAllText(keyPath + ".pub").TrimEnd('\n');

    private static async Task RunAsync(string[] arguments)
    {
        var keygen = PeerBinaries.Require("ssh-keygen", "openssh-client");
        var info = new ProcessStartInfo(keygen) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            Assert.Fail($"ssh-keygen {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr.ConfigureAwait(false)}");
        }
    }
}
