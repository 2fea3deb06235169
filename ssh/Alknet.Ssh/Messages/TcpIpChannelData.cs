using System.Buffers;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>
/// The channel-type-specific data of RFC 4254 §7.2 "direct-tcpip" (host to connect, port to connect, originator IP
/// address, originator port) and §7.1 "forwarded-tcpip" (address that was connected, port that was connected,
/// originator IP address, originator port): the same four fields.
/// </summary>
/// <remarks><see cref="Host"/> and <see cref="Port"/> are a tunnel destination: never log them.</remarks>
public readonly record struct TcpIpChannelData(string Host, uint Port, string OriginatorAddress, uint OriginatorPort)
{
    public const string DirectTcpIp = "direct-tcpip";
    public const string ForwardedTcpIp = "forwarded-tcpip";

    public static TcpIpChannelData Read(ReadOnlySpan<byte> typeSpecificData)
    {
        var r = new SshReader(typeSpecificData);
        var host = r.ReadUtf8String();
        uint port = r.ReadUInt32();
        var originator = r.ReadUtf8String();
        uint originatorPort = r.ReadUInt32();
        r.EnsureEnd();
        return new TcpIpChannelData(host, port, originator, originatorPort);
    }

    public byte[] ToBytes()
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var w = new SshWriter(buffer);
        w.WriteString(Host);
        w.WriteUInt32(Port);
        w.WriteString(OriginatorAddress);
        w.WriteUInt32(OriginatorPort);
        w.Commit();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Redacted: the host and port are a destination.</summary>
    public override string ToString() => "<destination>";
}
