using System.Buffers;
using NUnit.Framework;
using System.Net;
using Alknet.Engine.Socks5;
using static Alknet.Engine.Tests.Socks5.WireTestKit;

namespace Alknet.Engine.Tests.Socks5;

public class Socks5ReplyTests
{
    private static readonly string[] ValidMessages =
    [
        "05 00 00 01 C0000201 1F90", // succeeded, bound 192.0.2.1:8080
        "05 05 00 01 00000000 0000", // connection refused
        "05 00 00 04 20010DB8000000000000000000000001 0438", // bound [2001:db8::1]:1080
        "05 00 00 03 05 70726F7879 0438", // bound proxy:1080
        "05 2A 00 01 00000000 0000", // unassigned REP kept as received
    ];

    [TestCaseSource(nameof(ValidMessages))]
    public void TryParse_EveryPrefix_NeedsMoreAndConsumesNothing(string hex) =>
        AssertEveryPrefixNeedsMore<Socks5Reply>(Hex(hex));

    [TestCaseSource(nameof(ValidMessages))]
    public void TryParse_OneBytePerSegment_MatchesSingleSegment(string hex) =>
        Assert.That(ParseOneBytePerSegment<Socks5Reply>(Hex(hex)), Is.EqualTo(Parse<Socks5Reply>(Hex(hex))));

    [Test]
    public void TryParse_SucceededWithIPv4_ExposesBoundEndPoint()
    {
        var reply = Parse<Socks5Reply>(Hex(ValidMessages[0]));
        Assert.That(reply.Code, Is.EqualTo(Socks5ReplyCode.Succeeded));
        Assert.That(reply.BoundAddress.ToEndPoint(reply.BoundPort), Is.EqualTo(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 8080)));
    }

    [TestCase(Socks5ReplyCode.Succeeded, "198.51.100.4", 65535)]
    [TestCase(Socks5ReplyCode.HostUnreachable, "2001:db8::9", 1)]
    [TestCase(Socks5ReplyCode.TtlExpired, "bound.example", 1080)]
    public void Write_ThenParse_RoundTrips(Socks5ReplyCode code, string host, int port)
    {
        var reply = new Socks5Reply(code, Socks5Address.FromHost(host), (ushort)port);
        Assert.That(Parse<Socks5Reply>(WriteToArray(reply)), Is.EqualTo(reply));
    }

    [Test]
    public void FromEndPoint_Null_IsZeroAddressAndPort()
    {
        var address = Socks5Address.FromEndPoint(null, out var port);
        Assert.That(WriteToArray(new Socks5Reply(Socks5ReplyCode.GeneralFailure, address, port)), Is.EqualTo(Hex("05 01 00 01 00000000 0000")));
    }

    [Test]
    public void FromEndPoint_IPv4MappedIPv6_WritesIPv4()
    {
        var address = Socks5Address.FromEndPoint(new IPEndPoint(IPAddress.Parse("::ffff:10.0.0.1"), 80), out var port);
        Assert.That(WriteToArray(new Socks5Reply(Socks5ReplyCode.Succeeded, address, port)), Is.EqualTo(Hex("05 00 00 01 0A000001 0050")));
    }

    [TestCase("10.0.0.1", 80, "05 00 00 01 0A000001 0050")]
    [TestCase("::ffff:10.0.0.1", 80, "05 00 00 01 0A000001 0050")]
    [TestCase("2001:db8::1", 1080, "05 00 00 04 20010DB8000000000000000000000001 0438")]
    public void WriteStatic_IPEndPoint_MatchesExpectedBytes(string address, int port, string expected)
    {
        var output = new ArrayBufferWriter<byte>();
        Socks5Reply.Write(output, Socks5ReplyCode.Succeeded, new IPEndPoint(IPAddress.Parse(address), port));
        Assert.That(output.WrittenSpan.ToArray(), Is.EqualTo(Hex(expected)));
    }

    [Test]
    public void WriteStatic_NullEndPoint_IsZeroAddressAndPort()
    {
        var output = new ArrayBufferWriter<byte>();
        Socks5Reply.Write(output, Socks5ReplyCode.HostUnreachable, null);
        Assert.That(output.WrittenSpan.ToArray(), Is.EqualTo(Hex("05 04 00 01 00000000 0000")));
    }

    [Test]
    public void WriteStatic_DnsEndPoint_WritesDomain()
    {
        var output = new ArrayBufferWriter<byte>();
        Socks5Reply.Write(output, Socks5ReplyCode.Succeeded, new DnsEndPoint("proxy", 1080));
        Assert.That(output.WrittenSpan.ToArray(), Is.EqualTo(Hex("05 00 00 03 05 70726F7879 0438")));
    }

    [TestCase("04 00 00 01 00000000 0000", Socks5ReplyCode.GeneralFailure, TestName = "TryParse_WrongVersion_GeneralFailure")]
    [TestCase("05 00 00 07", Socks5ReplyCode.AddressTypeNotSupported, TestName = "TryParse_UnknownAddressType_AddressTypeNotSupported")]
    [TestCase("05 00 00 03 00", Socks5ReplyCode.GeneralFailure, TestName = "TryParse_ZeroLengthDomain_GeneralFailure")]
    public void TryParse_Malformed_ThrowsExactCode(string hex, Socks5ReplyCode expected) =>
        Assert.That(MalformedCode<Socks5Reply>(Hex(hex)), Is.EqualTo(expected));
}
