using Alknet.Ssh.Keys;

namespace Alknet.Ssh.Transport;

/// <summary>
/// Checks the server's host key against a known_hosts file on disk the way OpenSSH's ssh does with
/// StrictHostKeyChecking=yes or accept-new (ssh_config(5)). The file is read on every check, so a session that
/// reconnects sees keys another process (or an earlier accept-new) has added since.
/// </summary>
/// <remarks>
/// accept-new creates the file's directory (0700, as ssh creates ~/.ssh) and the file itself 0600. ssh creates
/// known_hosts with 0666 minus the umask, usually 0644; we keep it private because the file lists every server the
/// user connects to, which is what HashKnownHosts exists to hide. An existing file keeps its mode.
/// </remarks>
public sealed class StrictHostKeyVerifier : IHostKeyVerifier
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _host;
    private readonly int _port;

    public StrictHostKeyVerifier(string knownHostsPath, string host, int port, StrictHostKeyChecking mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(knownHostsPath);
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        KnownHostsPath = knownHostsPath;
        _host = host;
        _port = port;
        Mode = mode;
        HostName = KnownHostsFile.LookupName(host, port);
    }

    public string KnownHostsPath { get; }

    public StrictHostKeyChecking Mode { get; }

    /// <summary>The name the host is looked up (and recorded) under: host, or [host]:port.</summary>
    public string HostName { get; }

    /// <summary>Why the last check refused the key; null when it accepted.</summary>
    public HostKeyRefusal? LastRefusal { get; private set; }

    /// <summary>True when the last check accepted an unknown host and appended it to the file (accept-new).</summary>
    public bool LastKeyAdded { get; private set; }

    public async ValueTask<bool> VerifyAsync(SshPublicKey hostKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hostKey);
        LastRefusal = null;
        LastKeyAdded = false;
        KnownHostsFile file;
        try
        {
            file = await LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Refuse(HostKeyRefusalReason.KnownHostsUnreadable, hostKey, detail: e.Message);
        }

        switch (file.Check(_host, _port, hostKey))
        {
            case KnownHostsResult.Match:
                return true;
            case KnownHostsResult.Revoked:
                return Refuse(HostKeyRefusalReason.Revoked, hostKey, HostKeyRefusal.FindConflict(file, HostName, hostKey, revoked: true));
            case KnownHostsResult.Mismatch:
                return Refuse(HostKeyRefusalReason.Changed, hostKey, HostKeyRefusal.FindConflict(file, HostName, hostKey, revoked: false));
        }

        if (Mode != StrictHostKeyChecking.AcceptNew) return Refuse(HostKeyRefusalReason.UnknownHost, hostKey);
        try
        {
            // Off the caller's thread: this runs inside key exchange, possibly on a socket completion.
            await Task.Run(() => Record(hostKey), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Refuse(HostKeyRefusalReason.KnownHostsUnwritable, hostKey, detail: e.Message);
        }
        LastKeyAdded = true;
        return true;
    }

    /// <summary>The key types known_hosts lists for the host, for <see cref="HostKeyAlgorithmOrder"/>.</summary>
    public async ValueTask<IReadOnlyList<string>> KnownKeyTypesAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await LoadAsync(cancellationToken).ConfigureAwait(false)).KnownKeyTypes(_host, _port);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The check itself reports the unreadable file; ordering just falls back to the default preference.
            return [];
        }
    }

    private async Task<KnownHostsFile> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(KnownHostsPath)) return KnownHostsFile.Parse("");
        return KnownHostsFile.Parse(await File.ReadAllTextAsync(KnownHostsPath, cancellationToken).ConfigureAwait(false));
    }

    private void Record(SshPublicKey hostKey)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(KnownHostsPath));
        if (directory is not null && !Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
            else Directory.CreateDirectory(directory, DirectoryMode);
        }
        KnownHostsFile.Append(KnownHostsPath, _host, _port, hostKey, KeyFiles.PrivateMode);
    }

    private bool Refuse(HostKeyRefusalReason reason, SshPublicKey key, (int Line, string KeyType)? conflict = null, string? detail = null)
    {
        LastRefusal = new HostKeyRefusal(reason, HostName, key.KeyType, key.Fingerprint, KnownHostsPath,
            conflict?.Line, conflict?.KeyType, detail);
        return false;
    }
}
