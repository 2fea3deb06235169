namespace Alknet.Ssh.Keys;

/// <summary>
/// What an authenticated key may forward: the merge of its authorized_keys options and, for a certificate, its
/// extensions (the stricter wins). Empty <see cref="PermitOpen"/> / <see cref="PermitListen"/> lists mean any target.
/// </summary>
public sealed class ForwardingPermissions
{
    public static readonly ForwardingPermissions None = new(false, [], []);
    public static readonly ForwardingPermissions Unrestricted = new(true, [], []);

    public ForwardingPermissions(bool allowPortForwarding, IReadOnlyList<PermitOpen> permitOpen, IReadOnlyList<PermitListen> permitListen)
    {
        AllowPortForwarding = allowPortForwarding;
        PermitOpen = permitOpen;
        PermitListen = permitListen;
    }

    public bool AllowPortForwarding { get; }

    /// <summary>Allowed direct-tcpip targets; empty = any.</summary>
    public IReadOnlyList<PermitOpen> PermitOpen { get; }

    /// <summary>Allowed tcpip-forward binds; empty = any.</summary>
    public IReadOnlyList<PermitListen> PermitListen { get; }

    /// <summary>May a direct-tcpip channel to host:port be opened? (Literal host comparison, no DNS.)</summary>
    public bool IsOpenAllowed(string host, ushort port)
    {
        if (!AllowPortForwarding) return false;
        if (PermitOpen.Count == 0) return true;
        for (int i = 0; i < PermitOpen.Count; i++)
            if (PermitOpen[i].Matches(host, port)) return true;
        return false;
    }

    /// <summary>May a tcpip-forward bind on host:port be made?</summary>
    public bool IsListenAllowed(string host, ushort port)
    {
        if (!AllowPortForwarding) return false;
        if (PermitListen.Count == 0) return true;
        for (int i = 0; i < PermitListen.Count; i++)
            if (PermitListen[i].Matches(host, port)) return true;
        return false;
    }
}
