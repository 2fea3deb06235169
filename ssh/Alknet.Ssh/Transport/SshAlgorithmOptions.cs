namespace Alknet.Ssh.Transport;

/// <summary>
/// The algorithm preference lists a side offers in KEXINIT (the equivalent of OpenSSH's KexAlgorithms,
/// HostKeyAlgorithms, Ciphers and MACs). Every name must be one Alknet implements.
/// </summary>
public sealed class SshAlgorithmOptions
{
    public IList<string> KeyExchange { get; init; } = [.. SshAlgorithmNames.SupportedKeyExchange];
    public IList<string> HostKey { get; init; } = [.. SshAlgorithmNames.SupportedHostKeyAlgorithms];
    public IList<string> Ciphers { get; init; } = [.. SshAlgorithmNames.SupportedCiphers];
    public IList<string> Macs { get; init; } = [.. SshAlgorithmNames.SupportedMacs];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first unsupported or missing algorithm.</summary>
    public void Validate()
    {
        Check(KeyExchange, SshAlgorithmNames.SupportedKeyExchange, "key exchange");
        Check(HostKey, SshAlgorithmNames.SupportedHostKeyAlgorithms, "host key");
        Check(Ciphers, SshAlgorithmNames.SupportedCiphers, "cipher");
        Check(Macs, SshAlgorithmNames.SupportedMacs, "MAC");
    }

    private static void Check(IList<string> list, IReadOnlyList<string> supported, string what)
    {
        if (list.Count == 0) throw new ArgumentException("no " + what + " algorithm configured");
        foreach (var name in list)
            if (!supported.Contains(name)) throw new ArgumentException("unsupported " + what + " algorithm: " + name);
    }
}
