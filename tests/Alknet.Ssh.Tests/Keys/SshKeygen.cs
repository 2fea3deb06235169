using System.Diagnostics;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Keys;

/// <summary>Runs the real OpenSSH ssh-keygen for interop tests. Missing → a failure naming the Debian package.</summary>
internal static class SshKeygen
{
    public const string MissingMessage = "ssh-keygen not found: install the Debian package openssh-client";

    public static string Path
    {
        get
        {
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
            {
                var candidate = System.IO.Path.Combine(dir, "ssh-keygen");
                if (File.Exists(candidate)) return candidate;
            }
            Assert.Fail(MissingMessage);
            return "";
        }
    }

    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static Result Run(string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start ssh-keygen");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs and requires exit code 0; returns stdout.</summary>
    public static string Ok(params string[] args)
    {
        var r = Run(null, args);
        Assert.That(r.ExitCode, Is.Zero, "ssh-keygen " + string.Join(' ', args) + " failed: " + r.StdErr);
        return r.StdOut;
    }

    /// <summary>Generates a key pair in <paramref name="dir"/>; returns the private key path.</summary>
    public static string Generate(string dir, string name, string type, int? bits = null, string passphrase = "", params string[] extra)
    {
        var path = System.IO.Path.Combine(dir, name);
        var args = new List<string> { "-q", "-t", type, "-N", passphrase, "-C", name + "@test", "-f", path };
        if (bits is { } b) { args.Add("-b"); args.Add(b.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        args.AddRange(extra);
        Ok([.. args]);
        return path;
    }

    /// <summary>"SHA256:..." from `ssh-keygen -l -E sha256 -f`.</summary>
    public static string Fingerprint(string path) => Ok("-l", "-E", "sha256", "-f", path).Split(' ')[1];
}

/// <summary>A temporary directory deleted after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "alknet-keys-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
