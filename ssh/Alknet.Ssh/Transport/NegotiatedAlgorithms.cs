using Alknet.Ssh.Crypto;
using Alknet.Ssh.Messages;

namespace Alknet.Ssh.Transport;

/// <summary>The outcome of RFC 4253 §7.1 algorithm negotiation. MACs are null for AEAD ciphers.</summary>
public sealed record NegotiatedAlgorithms(
    string KeyExchange,
    string HostKey,
    string CipherClientToServer,
    string CipherServerToClient,
    string? MacClientToServer,
    string? MacServerToClient)
{
    /// <summary>
    /// RFC 4253 §7.1: for each list, the first algorithm on the client's list that the server also supports. An AEAD
    /// cipher ignores the MAC list (RFC 5647 §5.1, OpenSSH PROTOCOL.chacha20poly1305).
    /// </summary>
    public static NegotiatedAlgorithms Negotiate(KexInit client, KexInit server)
    {
        var kex = Choose(client.KexAlgorithms, server.KexAlgorithms, "key exchange");
        var hostKey = Choose(client.ServerHostKeyAlgorithms, server.ServerHostKeyAlgorithms, "host key");
        var c2s = Choose(client.CiphersClientToServer, server.CiphersClientToServer, "client-to-server cipher");
        var s2c = Choose(client.CiphersServerToClient, server.CiphersServerToClient, "server-to-client cipher");
        string? macC2s = PacketCiphers.IsAead(c2s) ? null : Choose(client.MacsClientToServer, server.MacsClientToServer, "client-to-server MAC");
        string? macS2c = PacketCiphers.IsAead(s2c) ? null : Choose(client.MacsServerToClient, server.MacsServerToClient, "server-to-client MAC");
        Choose(client.CompressionClientToServer, server.CompressionClientToServer, "client-to-server compression");
        Choose(client.CompressionServerToClient, server.CompressionServerToClient, "server-to-client compression");
        return new NegotiatedAlgorithms(kex, hostKey, c2s, s2c, macC2s, macS2c);
    }

    private static string Choose(string[] client, string[] server, string what)
    {
        foreach (var c in client)
            foreach (var s in server)
                if (c == s) return c;
        throw new SshProtocolException(SshDisconnectReason.KeyExchangeFailed, "no matching " + what + " algorithm");
    }

    public override string ToString() =>
        $"kex={KeyExchange} hostkey={HostKey} cipher c2s={CipherClientToServer} s2c={CipherServerToClient} " +
        $"mac c2s={MacClientToServer ?? "<implicit>"} s2c={MacServerToClient ?? "<implicit>"}";
}
