using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Alknet.Ssh.Transport;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Transport;

[TestFixture]
public sealed class VersionExchangeTests
{
    private static async Task<(string Version, byte[] Remainder)> ReadAsync(string input, bool isServer, int chunk = int.MaxValue)
    {
        var pipe = new Pipe();
        var bytes = Encoding.Latin1.GetBytes(input);
        for (int i = 0; i < bytes.Length; i += chunk)
        {
            await pipe.Writer.WriteAsync(bytes.AsMemory(i, Math.Min(chunk, bytes.Length - i)));
        }
        await pipe.Writer.CompleteAsync();
        var version = await VersionExchange.ReadAsync(pipe.Reader, isServer, CancellationToken.None);
        var rest = await pipe.Reader.ReadAsync();
        return (version, rest.Buffer.ToArray());
    }

    [Test]
    public async Task ReadAsync_CrLfLineThenPacketBytes_ReturnsLineWithoutCrLfAndLeavesTheRest()
    {
        var (version, rest) = await ReadAsync("SSH-2.0-OpenSSH_9.2p1 Debian\r\n\x00\x00\x01", isServer: true);
        Assert.That(version, Is.EqualTo("SSH-2.0-OpenSSH_9.2p1 Debian"));
        Assert.That(rest, Is.EqualTo(new byte[] { 0, 0, 1 }));
    }

    [Test]
    public async Task ReadAsync_OneBytePerSegmentBareLf_Accepted()
    {
        var (version, rest) = await ReadAsync("SSH-2.0-x\nZ", isServer: false, chunk: 1);
        Assert.That(version, Is.EqualTo("SSH-2.0-x"));
        Assert.That(rest, Is.EqualTo("Z"u8.ToArray()));
    }

    [Test]
    public async Task ReadAsync_ClientWithPreambleLines_SkipsThem()
    {
        var (version, _) = await ReadAsync("hello\r\nplease wait\r\nSSH-2.0-srv\r\n", isServer: false);
        Assert.That(version, Is.EqualTo("SSH-2.0-srv"));
    }

    [Test]
    public void ReadAsync_ServerWithPreambleLine_ProtocolError()
    {
        var ex = Assert.ThrowsAsync<SshProtocolException>(async () => await ReadAsync("hello\r\nSSH-2.0-x\r\n", isServer: true));
        Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
    }

    [Test]
    public void ReadAsync_TooManyPreambleLines_ProtocolError()
    {
        var input = string.Concat(Enumerable.Repeat("x\n", VersionExchange.MaxPreambleLines + 1)) + "SSH-2.0-x\r\n";
        var ex = Assert.ThrowsAsync<SshProtocolException>(async () => await ReadAsync(input, isServer: false));
        Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
    }

    [Test]
    public void ReadAsync_LineLongerThan255_ProtocolErrorWithoutWaitingForTheEnd()
    {
        var ex = Assert.ThrowsAsync<SshProtocolException>(async () => await ReadAsync("SSH-2.0-" + new string('a', 300), isServer: true));
        Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
    }

    [Test]
    public void ReadAsync_Ssh1Version_ProtocolVersionNotSupported()
    {
        var ex = Assert.ThrowsAsync<SshProtocolException>(async () => await ReadAsync("SSH-1.5-old\r\n", isServer: true));
        Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolVersionNotSupported));
    }

    [Test]
    public void ReadAsync_ClosedBeforeLine_ConnectionLost()
    {
        var ex = Assert.ThrowsAsync<SshProtocolException>(async () => await ReadAsync("SSH-2.0", isServer: true));
        Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.ConnectionLost));
    }
}
