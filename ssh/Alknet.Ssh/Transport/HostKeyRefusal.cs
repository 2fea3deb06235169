using System.Globalization;
using System.Text;
using Alknet.Ssh.Keys;

namespace Alknet.Ssh.Transport;

/// <summary>Why <see cref="StrictHostKeyVerifier"/> refused a host key.</summary>
public enum HostKeyRefusalReason
{
    /// <summary>No known_hosts line names the host and the mode is <see cref="StrictHostKeyChecking.Yes"/>.</summary>
    UnknownHost,

    /// <summary>The host is known with other keys: the key changed, or someone is in the middle.</summary>
    Changed,

    /// <summary>The key is marked @revoked.</summary>
    Revoked,

    /// <summary>known_hosts exists but cannot be read, so nothing can be checked.</summary>
    KnownHostsUnreadable,

    /// <summary>accept-new could not record the key; accepting it anyway would make every reconnect a first use.</summary>
    KnownHostsUnwritable,
}

/// <summary>
/// Everything a user needs to decide about a refused host key: the name looked up in known_hosts, the key the
/// server offered, and for a changed or revoked key the line that conflicts (what OpenSSH's "REMOTE HOST
/// IDENTIFICATION HAS CHANGED" and "Offending key in FILE:LINE" report).
/// </summary>
/// <param name="HostName">The known_hosts name: host, or [host]:port for a port other than 22.</param>
/// <param name="KeyType">The offered key's type, as known_hosts writes it (ssh-ed25519, ecdsa-sha2-nistp256, ...).</param>
/// <param name="Fingerprint">The offered key's SHA256 fingerprint.</param>
/// <param name="KnownHostsPath">The file that was checked.</param>
/// <param name="ConflictingLine">The 1-based line of the entry that conflicts, for a changed or revoked key.</param>
/// <param name="ConflictingKeyType">That entry's key type.</param>
/// <param name="Detail">The I/O error, for an unreadable or unwritable file.</param>
public sealed record HostKeyRefusal(
    HostKeyRefusalReason Reason,
    string HostName,
    string KeyType,
    string Fingerprint,
    string KnownHostsPath,
    int? ConflictingLine = null,
    string? ConflictingKeyType = null,
    string? Detail = null)
{
    /// <summary>A multi-line explanation for a terminal, ending with what to do about it.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        string offered = $"The server offered a {KeyType} key with fingerprint {Fingerprint}.";
        switch (Reason)
        {
            case HostKeyRefusalReason.UnknownHost:
                text.AppendLine(CultureInfo.InvariantCulture, $"Host key verification failed: no host key is known for {HostName} in {KnownHostsPath}.");
                text.AppendLine(offered);
                text.Append("Check that fingerprint with the server's administrator, then connect once with --accept-new to record it.");
                break;
            case HostKeyRefusalReason.Changed:
                text.AppendLine(CultureInfo.InvariantCulture, $"WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for {HostName}!");
                text.AppendLine("Someone could be eavesdropping on you right now (man-in-the-middle attack), or the host key has just been changed.");
                text.AppendLine(offered);
                text.AppendLine(CultureInfo.InvariantCulture, $"Offending {ConflictingKeyType} key in {KnownHostsPath}:{ConflictingLine}.");
                text.AppendLine(CultureInfo.InvariantCulture, $"If the change is expected, remove the old entry with: ssh-keygen -f '{KnownHostsPath}' -R '{HostName}'");
                text.Append("Host key verification failed: a changed key is refused, with or without --accept-new.");
                break;
            case HostKeyRefusalReason.Revoked:
                text.AppendLine(CultureInfo.InvariantCulture, $"Host key verification failed: the key {HostName} offered is marked @revoked in {KnownHostsPath}:{ConflictingLine}.");
                text.Append(offered);
                break;
            case HostKeyRefusalReason.KnownHostsUnreadable:
                text.AppendLine(CultureInfo.InvariantCulture, $"Host key verification failed: cannot read {KnownHostsPath}: {Detail}");
                text.Append(offered);
                break;
            case HostKeyRefusalReason.KnownHostsUnwritable:
                text.AppendLine(CultureInfo.InvariantCulture, $"Host key verification failed: cannot add {HostName} to {KnownHostsPath}: {Detail}");
                text.AppendLine(offered);
                text.Append("A key that cannot be recorded is not accepted: every reconnect would trust whatever key it is shown.");
                break;
        }
        return text.ToString();
    }

    internal static (int Line, string KeyType)? FindConflict(KnownHostsFile file, string lookupName, SshPublicKey offered, bool revoked)
    {
        var plain = (offered as SshCertificate)?.Key ?? offered;
        (int, string)? first = null;
        foreach (var e in file.Entries)
        {
            if (revoked)
            {
                if (e.Marker == KnownHostsMarker.Revoked &&
                    (e.Key.BlobEquals(plain) || (offered is SshCertificate c && e.Key.BlobEquals(c.SignatureKey))))
                    return (e.LineNumber, e.Key.KeyType);
                continue;
            }
            if (e.Marker != KnownHostsMarker.None || !e.MatchesHost(lookupName)) continue;
            // OpenSSH names the entry of the offered key's type when there is one, else another key for the host.
            if (e.Key.KeyType == plain.KeyType) return (e.LineNumber, e.Key.KeyType);
            first ??= (e.LineNumber, e.Key.KeyType);
        }
        return first;
    }
}
