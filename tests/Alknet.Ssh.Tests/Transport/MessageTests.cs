using System.Buffers;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Wire;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Transport;

[TestFixture]
public sealed class MessageTests
{
    private delegate bool TryReadFn<T>(ref SshReader r, out T message);

    /// <summary>A message case: its bytes, and a function that parses bytes and writes the result again.</summary>
    public sealed record Case(string Name, byte[] Bytes, Func<byte[], byte[]?> Reparse, bool RawTail)
    {
        public override string ToString() => Name;
    }

    private static Case Make<T>(T message, TryReadFn<T> read, bool rawTail = false) where T : ISshMessage
    {
        var bytes = Serialize(message);
        return new Case(typeof(T).Name + (message is UserAuthRequest u ? "/" + u.Method + (u.HasSignature ? "+sig" : "") : ""), bytes, b =>
        {
            var r = new SshReader(b);
            return read(ref r, out var m) ? Serialize(m) : null;
        }, rawTail);
    }

    private static byte[] Serialize<T>(T message) where T : ISshMessage
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new SshWriter(buffer);
        message.Write(ref w);
        w.Commit();
        return buffer.WrittenSpan.ToArray();
    }

    public static IEnumerable<Case> Cases()
    {
        byte[] blob = [0, 0, 0, 11, .. "ssh-ed25519"u8, 0, 0, 0, 2, 1, 2];
        yield return Make(new Disconnect(SshDisconnectReason.MacError, "bad mac", "en"), Disconnect.TryRead);
        yield return Make(new Ignore(new byte[] { 1, 2, 3 }), Ignore.TryRead);
        yield return Make(new Unimplemented(0xDEADBEEF), Unimplemented.TryRead);
        yield return Make(new Debug(true, "hello", ""), Debug.TryRead);
        yield return Make(new ServiceRequest("ssh-userauth"), ServiceRequest.TryRead);
        yield return Make(new ServiceAccept("ssh-userauth"), ServiceAccept.TryRead);
        yield return Make(new ExtInfo([new("server-sig-algs", "ssh-ed25519,rsa-sha2-512"u8.ToArray()), new("ping@openssh.com", "0"u8.ToArray())]), ExtInfo.TryRead);
        yield return Make(new KexInit
        {
            Cookie = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray(),
            KexAlgorithms = ["curve25519-sha256", "ext-info-c"],
            ServerHostKeyAlgorithms = ["ssh-ed25519"],
            CiphersClientToServer = ["aes128-gcm@openssh.com"],
            CiphersServerToClient = ["aes128-ctr"],
            MacsClientToServer = ["hmac-sha2-256"],
            MacsServerToClient = ["hmac-sha2-512-etm@openssh.com"],
            FirstKexPacketFollows = true,
        }, KexInit.TryRead);
        yield return Make(new NewKeys(), NewKeys.TryRead);
        yield return Make(new KexEcdhInit(new byte[32]), KexEcdhInit.TryRead);
        yield return Make(new KexEcdhReply(blob, new byte[] { 4, 5 }, new byte[] { 6 }), KexEcdhReply.TryRead);
        yield return Make(new KexDhInit(new byte[] { 0x80, 1 }), KexDhInit.TryRead);
        yield return Make(new KexDhReply(blob, new byte[] { 0x7F, 1 }, new byte[] { 9, 9 }), KexDhReply.TryRead);
        yield return Make(UserAuthRequest.None("bob", "ssh-connection"), UserAuthRequest.TryRead);
        yield return Make(UserAuthRequest.PublicKeyQuery("bob", "ssh-connection", "ssh-ed25519", blob), UserAuthRequest.TryRead);
        yield return Make(UserAuthRequest.PublicKeySigned("bob", "ssh-connection", "ssh-ed25519", blob, new byte[] { 1, 2, 3 }), UserAuthRequest.TryRead);
        yield return Make(new UserAuthFailure(["publickey"], false), UserAuthFailure.TryRead);
        yield return Make(new UserAuthSuccess(), UserAuthSuccess.TryRead);
        yield return Make(new UserAuthBanner("welcome\n"), UserAuthBanner.TryRead);
        yield return Make(new UserAuthPkOk("ssh-ed25519", blob), UserAuthPkOk.TryRead);
        yield return Make(new GlobalRequest("tcpip-forward", true, new byte[] { 0, 0, 0, 0, 0, 0, 0, 80 }), GlobalRequest.TryRead, rawTail: true);
        yield return Make(new RequestSuccess(new byte[] { 0, 0, 4, 0 }), RequestSuccess.TryRead, rawTail: true);
        yield return Make(new RequestFailure(), RequestFailure.TryRead);
        yield return Make(new ChannelOpen("direct-tcpip", 1, 2, 3, new byte[] { 0, 0, 0, 0 }), ChannelOpen.TryRead, rawTail: true);
        yield return Make(new ChannelOpenFailure(5, ChannelOpenFailureReason.ConnectFailed, "no", ""), ChannelOpenFailure.TryRead);
        yield return Make(new ChannelOpenConfirmation(5, 6, 2 * 1024 * 1024, 32768), ChannelOpenConfirmation.TryRead);
        yield return Make(new ChannelWindowAdjust(7, 98304), ChannelWindowAdjust.TryRead);
        yield return Make(new ChannelData(7, new ReadOnlySequence<byte>(new byte[] { 1, 2, 3, 4, 5 })), ReadChannelData);
        yield return Make(new ChannelEof(7), ChannelEof.TryRead);
        yield return Make(new ChannelClose(7), ChannelClose.TryRead);
        yield return Make(new ChannelRequest(7, "keepalive@openssh.com", true, ReadOnlyMemory<byte>.Empty), ChannelRequest.TryRead, rawTail: true);
        yield return Make(new ChannelSuccess(7), ChannelSuccess.TryRead);
        yield return Make(new ChannelFailure(7), ChannelFailure.TryRead);
    }

    /// <summary>CHANNEL_DATA is read as a view into the payload; the test copies it into a message to write again.</summary>
    private static bool ReadChannelData(ref SshReader r, out ChannelData message)
    {
        message = default;
        if (!ChannelData.TryRead(ref r, out uint id, out var data)) return false;
        message = new ChannelData(id, new ReadOnlySequence<byte>(data.ToArray()));
        return true;
    }

    [TestCaseSource(nameof(Cases))]
    public void TryRead_WrittenMessage_RoundTripsByteForByte(Case c) =>
        Assert.That(c.Reparse(c.Bytes), Is.EqualTo(c.Bytes));

    [TestCaseSource(nameof(Cases))]
    public void TryRead_TrailingByte_ProtocolError(Case c)
    {
        byte[] longer = [.. c.Bytes, 0];
        if (c.RawTail)
        {
            // Request-specific data runs to the end of the payload; an extra byte is part of it.
            Assert.That(c.Reparse(longer), Is.EqualTo(longer));
            return;
        }
        var ex = Assert.Throws<SshProtocolException>(() => c.Reparse(longer));
        Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
    }

    [TestCaseSource(nameof(Cases))]
    public void TryRead_Truncated_ProtocolErrorForEveryShorterPayload(Case c)
    {
        for (int n = 1; n < c.Bytes.Length; n++)
        {
            var prefix = c.Bytes[..n];
            if (c.RawTail)
            {
                // Truncation inside the raw tail cannot be seen here; inside the fixed fields it must be.
                byte[]? reparsed;
                try { reparsed = c.Reparse(prefix); }
                catch (SshProtocolException e) { Assert.That(e.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError)); continue; }
                Assert.That(reparsed, Is.EqualTo(prefix), "a shorter raw tail parses as exactly those bytes");
                continue;
            }
            var ex = Assert.Throws<SshProtocolException>(() => c.Reparse(prefix), "length " + n);
            Assert.That(ex!.Reason, Is.EqualTo(SshDisconnectReason.ProtocolError));
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void TryRead_OtherMessageNumber_ReturnsFalseAndConsumesNothing(Case c)
    {
        var bytes = (byte[])c.Bytes.Clone();
        bytes[0] = 200;
        Assert.That(c.Reparse(bytes), Is.Null);
    }
}
