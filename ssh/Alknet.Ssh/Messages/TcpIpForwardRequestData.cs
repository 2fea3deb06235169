using System.Buffers;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>
/// The request-specific data of RFC 4254 §7.1 "tcpip-forward" and "cancel-tcpip-forward" global requests: string
/// address to bind, uint32 port number to bind. A successful "tcpip-forward" for port 0 answers with uint32 port.
/// </summary>
public readonly record struct TcpIpForwardRequestData(string BindAddress, uint Port)
{
    public const string TcpIpForward = "tcpip-forward";
    public const string CancelTcpIpForward = "cancel-tcpip-forward";

    public static TcpIpForwardRequestData Read(ReadOnlySpan<byte> data)
    {
        var r = new SshReader(data);
        var address = r.ReadUtf8String();
        uint port = r.ReadUInt32();
        r.EnsureEnd();
        return new TcpIpForwardRequestData(address, port);
    }

    public byte[] ToBytes()
    {
        var buffer = new ArrayBufferWriter<byte>(32);
        var w = new SshWriter(buffer);
        w.WriteString(BindAddress);
        w.WriteUInt32(Port);
        w.Commit();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The bound port carried by REQUEST_SUCCESS when port 0 was asked for.</summary>
    public static byte[] BoundPortReply(uint port)
    {
        var bytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, port);
        return bytes;
    }
}
