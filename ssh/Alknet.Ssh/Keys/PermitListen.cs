namespace Alknet.Ssh.Keys;

/// <summary>
/// One authorized_keys <c>permitlisten="[host:]port"</c> rule: the only tcpip-forward (remote forward) binds
/// allowed. Without a host any bind address matches; otherwise the requested bind address must equal it literally.
/// "*" as the port means any port.
/// </summary>
public readonly record struct PermitListen(string Host, int Port)
{
    public bool Matches(string bindAddress, ushort port) =>
        (Port == PermitOpen.AnyPort || Port == port) &&
        (Host == PermitOpen.AnyHost || string.Equals(Host, PermitOpen.StripBrackets(bindAddress), StringComparison.OrdinalIgnoreCase));

    internal static PermitListen? TryParse(string text) =>
        PermitOpen.TryParse(text, hostOptional: true) is { } p ? new PermitListen(p.Host, p.Port) : null;
}
