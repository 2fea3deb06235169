using Alknet.Ssh.Auth;
using Alknet.Ssh.Transport;

namespace Alknet.Ssh;

/// <summary>Settings of an SSH client session.</summary>
public sealed class SshClientOptions : SshTransportOptions
{
    /// <summary>Server host name or address (used by the TCP overloads and for known_hosts).</summary>
    public string Host { get; init; } = "";

    public int Port { get; init; } = 22;

    public string User { get; init; } = "";

    /// <summary>User keys tried in order.</summary>
    public IReadOnlyList<SshClientIdentity> Identities { get; init; } = [];

    /// <summary>Decides on the server's host key before NEWKEYS.</summary>
    public required IHostKeyVerifier HostKeyVerifier { get; init; }

    /// <summary>Time allowed for connect, version exchange, key exchange and authentication.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Called with each USERAUTH_BANNER text.</summary>
    public Action<string>? BannerReceived { get; init; }
}
