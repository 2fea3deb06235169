using System.Diagnostics;
using System.Security.Cryptography;

namespace Alknet.Interop.Tests.Peers;

/// <summary>curl as the SOCKS5 client: fetches a URL through a proxy into a file and returns the body's SHA-256.</summary>
public static class Curl
{
    public sealed record Result(int ExitCode, string Sha256, long Bytes, string StdErr);

    /// <summary>
    /// Runs <c>curl -sS --fail -o &lt;tmp&gt; &lt;proxyArguments&gt; url</c>. Typical proxy arguments:
    /// <c>--socks5-hostname 127.0.0.1:port</c>, <c>--socks5 127.0.0.1:port --proxy-user u:p</c>.
    /// </summary>
    public static async Task<Result> FetchAsync(string url, params string[] proxyArguments)
    {
        var curl = PeerBinaries.Require("curl", "curl");
        var output = Path.Combine(Path.GetTempPath(), $"alknet-curl-{Guid.NewGuid():N}.bin");
        try
        {
            var info = new ProcessStartInfo(curl) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "-sS", "--fail", "--max-time", "60", "-o", output }.Concat(proxyArguments).Append(url))
            {
                info.ArgumentList.Add(a);
            }

            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            if (process.ExitCode != 0 || !File.Exists(output))
            {
                return new Result(process.ExitCode, string.Empty, 0, await stderr.ConfigureAwait(false));
            }

            await using var file = File.OpenRead(output);
            var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file).ConfigureAwait(false));
            return new Result(0, sha, file.Length, await stderr.ConfigureAwait(false));
        }
        finally
        {
            File.Delete(output);
        }
    }
}
