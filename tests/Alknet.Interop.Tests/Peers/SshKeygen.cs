using System.Diagnostics;

namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// OpenSSH's ssh-keygen for the SSH interop tests: key pairs, user certificates and fingerprints, made by the
/// real tool so that nothing in a test's key material comes from Alknet's own key code.
/// </summary>
public static class SshKeygen
{
    /// <summary>Runs ssh-keygen and returns its stdout; a non-zero exit fails the test with its stderr.</summary>
    public static async Task<string> RunAsync(params string[] args)
    {
        var keygen = PeerBinaries.Require("ssh-keygen", "openssh-client");
        var info = new ProcessStartInfo(keygen) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        Assert.That(process.ExitCode, Is.Zero, $"ssh-keygen {string.Join(' ', args)} failed: {await stderr.ConfigureAwait(false)}");
        return await stdout.ConfigureAwait(false);
    }

    /// <summary>Generates an unencrypted key pair at <paramref name="path"/> (and path.pub); returns the private key path.</summary>
    public static async Task<string> GenerateAsync(string path, string type, int? bits = null)
    {
        List<string> args = ["-q", "-t", type, "-N", "", "-C", Path.GetFileName(path), "-f", path];
        if (bits is int b)
        {
            args.AddRange(["-b", b.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        await RunAsync([.. args]).ConfigureAwait(false);
        return path;
    }

    /// <summary>
    /// Signs <paramref name="keyPath"/>.pub with the CA key as a user certificate (keyPath-cert.pub, where ssh and
    /// alknet look for it). <paramref name="validity"/> is ssh-keygen's -V syntax, e.g. "-5m:+1h".
    /// </summary>
    public static async Task<string> CertifyUserAsync(string caPath, string keyPath, string identity, string principals, string validity)
    {
        await RunAsync("-q", "-s", caPath, "-I", identity, "-n", principals, "-V", validity, keyPath + ".pub").ConfigureAwait(false);
        return keyPath + "-cert.pub";
    }

    /// <summary>"SHA256:…" as ssh-keygen -l prints it (for a certificate: the certified key's fingerprint).</summary>
    public static async Task<string> FingerprintAsync(string path) =>
        (await RunAsync("-l", "-E", "sha256", "-f", path).ConfigureAwait(false)).Split(' ')[1];

    /// <summary>The "type base64" part of a .pub file (no comment).</summary>
    public static string PublicKeyLine(string publicKeyPath)
    {
        var parts = File.ReadAllText(publicKeyPath).Trim().Split(' ');
        return parts[0] + " " + parts[1];
    }
}
