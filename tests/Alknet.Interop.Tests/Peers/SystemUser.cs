using System.Diagnostics;

namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// A dedicated system account for dante's "username" method, which checks RFC 1929 credentials against the
/// system password database (passwd/shadow), not a file of its own. The tests create it when they run as root
/// (useradd --system, no home, no login shell) and set its password with chpasswd; it is reused across runs.
/// </summary>
public static class SystemUser
{
    public const string Name = "alknet-socks-test";

    /// <summary>Fixed so that repeated runs agree with an account created earlier; it only guards a loopback test proxy.</summary>
    public const string Password = "alknet-Interop-7f3c";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _ready;

    /// <summary>Creates the account if needed and (re)sets its password; fails the test when not root.</summary>
    public static async Task EnsureAsync()
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_ready)
            {
                return;
            }

            if (!PeerBinaries.IsRoot)
            {
                Assert.Fail($"dante's username method needs the system user {Name}: run the interop tests as root (scripts/test.sh in CI) so the test can create it with useradd/chpasswd");
            }

            var useradd = PeerBinaries.Require("useradd", "passwd");
            var chpasswd = PeerBinaries.Require("chpasswd", "passwd");
            if (await RunAsync("id", ["-u", Name], null).ConfigureAwait(false) != 0)
            {
                var rc = await RunAsync(useradd, ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", Name], null).ConfigureAwait(false);
                Assert.That(rc, Is.Zero, $"useradd {Name} failed");
            }

            Assert.That(await RunAsync(chpasswd, [], $"{Name}:{Password}\n").ConfigureAwait(false), Is.Zero, $"chpasswd for {Name} failed");
            _ready = true;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<int> RunAsync(string file, string[] args, string? stdin)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }
}
