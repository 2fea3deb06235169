using Alknet.Ssh.Keys;

namespace Alknet.Ssh.Transport;

/// <summary>
/// OpenSSH's order_hostkeyalgs (sshconnect2.c): ask first for the host key types known_hosts already holds for the
/// server. Without it a server with both an ed25519 and an ECDSA key, known to us by its ECDSA key only, would
/// show its ed25519 key and be refused as "changed".
/// </summary>
public static class HostKeyAlgorithmOrder
{
    /// <summary>
    /// Whether the known_hosts order applies to a --host-key-algorithms value: only when the list is the default or
    /// was changed by appending (+) or removing (-), as ssh_kex2 decides. A replaced list (a,b) or an explicit
    /// preference (^a) is the user's order and is sent verbatim.
    /// </summary>
    public static bool AppliesTo(string? hostKeyAlgorithmsSpec) =>
        string.IsNullOrWhiteSpace(hostKeyAlgorithmsSpec) || hostKeyAlgorithmsSpec[0] is '+' or '-';

    /// <summary>
    /// When the first algorithm's key type is known, the list is returned as is. Otherwise the algorithms whose key
    /// type is known move to the front, both groups keeping their relative order.
    /// </summary>
    public static List<string> PreferKnown(IReadOnlyList<string> algorithms, IReadOnlyList<string> knownKeyTypes)
    {
        ArgumentNullException.ThrowIfNull(algorithms);
        ArgumentNullException.ThrowIfNull(knownKeyTypes);
        if (algorithms.Count == 0 || knownKeyTypes.Contains(KeyTypeOf(algorithms[0]))) return [.. algorithms];
        var first = new List<string>(algorithms.Count);
        var last = new List<string>(algorithms.Count);
        foreach (var algorithm in algorithms)
            (knownKeyTypes.Contains(KeyTypeOf(algorithm)) ? first : last).Add(algorithm);
        first.AddRange(last);
        return first;
    }

    /// <summary>The key type a host key signature algorithm is made with (RFC 8332: rsa-sha2-* are ssh-rsa keys).</summary>
    public static string KeyTypeOf(string algorithm) => algorithm switch
    {
        SshKeyAlgorithms.RsaSha256 or SshKeyAlgorithms.RsaSha512 => SshKeyAlgorithms.Rsa,
        _ => algorithm,
    };
}
