using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Alknet.Ssh.Crypto;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Transport;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Tests.Session;

/// <summary>
/// A hand-driven peer for negative tests: writes arbitrary unencrypted packets and raw bytes, and reads the other
/// side's version line and packets before any NEWKEYS.
/// </summary>
internal sealed class RawPeer(IDuplexPipe pipe) : IDisposable
{
    private readonly PacketWriter _writer = new(pipe.Output, PacketCiphers.CreateNone());
    private readonly PacketReader _reader = new(PacketCiphers.CreateNone());

    public async Task WriteRawAsync(string text)
    {
        await pipe.Output.WriteAsync(Encoding.ASCII.GetBytes(text));
    }

    public async Task WriteBytesAsync(byte[] bytes)
    {
        await pipe.Output.WriteAsync(bytes);
    }

    public async Task WriteAsync<T>(T message) where T : ISshMessage
    {
        Write(message);
        await pipe.Output.FlushAsync();
    }

    private void Write<T>(in T message) where T : ISshMessage
    {
        var w = new SshWriter(_writer.BeginPacket());
        message.Write(ref w);
        w.Commit();
        _writer.EndPacket();
    }

    public static KexInit ClientKexInit(bool strict) => new()
    {
        KexAlgorithms = strict ? [SshAlgorithmNames.Curve25519Sha256, SshAlgorithmNames.StrictKexClient] : [SshAlgorithmNames.Curve25519Sha256],
        ServerHostKeyAlgorithms = ["ssh-ed25519"],
        CiphersClientToServer = ["aes128-gcm@openssh.com"],
        CiphersServerToClient = ["aes128-gcm@openssh.com"],
        MacsClientToServer = ["hmac-sha2-256"],
        MacsServerToClient = ["hmac-sha2-256"],
    };

    public async Task<string> ReadLineAsync()
    {
        while (true)
        {
            var result = await pipe.Input.ReadAsync();
            var buffer = result.Buffer;
            var lf = buffer.PositionOf((byte)'\n');
            if (lf is not null)
            {
                var line = Encoding.ASCII.GetString(buffer.Slice(0, lf.Value).ToArray()).TrimEnd('\r');
                pipe.Input.AdvanceTo(buffer.GetPosition(1, lf.Value));
                return line;
            }
            pipe.Input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) throw new EndOfStreamException();
        }
    }

    /// <summary>The next unencrypted packet's payload, or null when the other side closed.</summary>
    public async Task<byte[]?> ReadPacketAsync()
    {
        while (true)
        {
            var result = await pipe.Input.ReadAsync();
            var buffer = result.Buffer;
            if (_reader.TryRead(ref buffer, out var payload))
            {
                var copy = payload.ToArray();
                pipe.Input.AdvanceTo(buffer.Start);
                return copy;
            }
            pipe.Input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) return null;
        }
    }

    /// <summary>Reads packets until a DISCONNECT arrives and returns its reason (null if the side closed silently).</summary>
    public async Task<SshDisconnectReason?> ReadDisconnectAsync()
    {
        while (await ReadPacketAsync() is { } p)
        {
            if (p[0] != SshMessageNumbers.Disconnect) continue;
            var r = new SshReader(p);
            Disconnect.TryRead(ref r, out var d);
            return d.Reason;
        }
        return null;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _reader.Dispose();
    }
}
