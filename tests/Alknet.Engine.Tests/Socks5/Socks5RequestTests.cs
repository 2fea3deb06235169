using NUnit.Framework;
using System.Net;
using System.Text;
using Alknet.Engine.Dialing;
using Alknet.Engine.Socks5;
using static Alknet.Engine.Tests.Socks5.WireTestKit;

namespace Alknet.Engine.Tests.Socks5;

public class Socks5RequestTests
{
    private static readonly string MaxDomainRequest =
        "05 01 00 03 FF " + Convert.ToHexString(Encoding.ASCII.GetBytes(new string('a', 255))) + " 01BB";

    private static readonly string[] ValidMessages =
    [
        "05 01 00 01 7F000001 01BB", // CONNECT 127.0.0.1:443
        "05 01 00 04 00000000000000000000000000000001 0050", // CONNECT [::1]:80
        "05 01 00 03 0B 6578616D706C652E636F6D 0050", // CONNECT example.com:80
        "05 02 00 01 00000000 0000", // BIND
        "05 03 00 01 00000000 0000", // UDP ASSOCIATE
        "05 01 07 01 0A000001 FFFF", // non-zero RSV is ignored
        MaxDomainRequest,
    ];

    [TestCaseSource(nameof(ValidMessages))]
    public void TryParse_EveryPrefix_NeedsMoreAndConsumesNothing(string hex) =>
        AssertEveryPrefixNeedsMore<Socks5Request>(Hex(hex));

    [TestCaseSource(nameof(ValidMessages))]
    public void TryParse_OneBytePerSegment_MatchesSingleSegment(string hex) =>
        Assert.That(ParseOneBytePerSegment<Socks5Request>(Hex(hex)), Is.EqualTo(Parse<Socks5Request>(Hex(hex))));

    [Test]
    public void TryParse_MaximumDomain_Is262Bytes() =>
        Assert.That(Hex(MaxDomainRequest), Has.Length.EqualTo(Socks5Request.MaxLength).And.Length.EqualTo(262));

    [TestCase("05 01 00 01 7F000001 01BB", "127.0.0.1", 443)]
    [TestCase("05 01 00 04 00000000000000000000000000000001 0050", "::1", 80)]
    [TestCase("05 01 00 03 0B 6578616D706C652E636F6D 0050", "example.com", 80)]
    public void TryParse_ConnectRequest_YieldsUnresolvedTarget(string hex, string host, int port)
    {
        var request = Parse<Socks5Request>(Hex(hex));
        Assert.That(request.Command, Is.EqualTo(Socks5Command.Connect));
        Assert.That(request.Address.ToDialTarget(request.Port), Is.EqualTo(new DialTarget(host, (ushort)port)));
    }

    [TestCase("10.1.2.3", (ushort)8080)]
    [TestCase("2001:db8::7", (ushort)22)]
    [TestCase("name.example", (ushort)1)]
    public void Write_ThenParse_RoundTrips(string host, ushort port)
    {
        var request = new Socks5Request(Socks5Command.Connect, Socks5Address.FromHost(host), port);
        var parsed = Parse<Socks5Request>(WriteToArray(request));
        Assert.That(parsed, Is.EqualTo(request));
        Assert.That(parsed.Address.ToHostString(), Is.EqualTo(host));
    }

    [Test]
    public void FromIPAddress_IPv4_UsesAtypOne() =>
        Assert.That(Socks5Address.FromIPAddress(IPAddress.Loopback).Type, Is.EqualTo(Socks5AddressType.IPv4));

    [Test]
    public void FromDomain_Octets_RoundTripsAsDomain()
    {
        var address = Socks5Address.FromDomain("host.example"u8);
        Assert.That(address.Type, Is.EqualTo(Socks5AddressType.DomainName));
        Assert.That(address.ToHostString(), Is.EqualTo("host.example"));
        Assert.That(address, Is.EqualTo(Socks5Address.FromHost("host.example")));
    }

    [Test]
    public void FromDomain_Empty_Throws() =>
        Assert.That(() => Socks5Address.FromDomain([]), Throws.ArgumentException);

    [Test]
    public void FromHost_NameLongerThan255Octets_Throws() =>
        Assert.That(() => Socks5Address.FromHost(new string('a', 256)), Throws.ArgumentException);

    [Test]
    public void ToString_Always_HidesDestination()
    {
        var request = Parse<Socks5Request>(Hex(ValidMessages[2]));
        Assert.That(request.ToString(), Does.Not.Contain("example").And.Not.Contain("80"));
    }

    [TestCase("04 01 00 01 7F000001 01BB", Socks5ReplyCode.GeneralFailure, TestName = "TryParse_WrongVersion_GeneralFailure")]
    [TestCase("05 00 00 01", Socks5ReplyCode.CommandNotSupported, TestName = "TryParse_CommandZero_CommandNotSupported")]
    [TestCase("05 09 00 01", Socks5ReplyCode.CommandNotSupported, TestName = "TryParse_UnknownCommand_CommandNotSupported")]
    [TestCase("05 01 00 02 00", Socks5ReplyCode.AddressTypeNotSupported, TestName = "TryParse_AddressTypeTwo_AddressTypeNotSupported")]
    [TestCase("05 01 00 05", Socks5ReplyCode.AddressTypeNotSupported, TestName = "TryParse_UnknownAddressType_AddressTypeNotSupported")]
    [TestCase("05 01 00 03 00 0050", Socks5ReplyCode.GeneralFailure, TestName = "TryParse_ZeroLengthDomain_GeneralFailure")]
    public void TryParse_Malformed_ThrowsExactCode(string hex, Socks5ReplyCode expected) =>
        Assert.That(MalformedCode<Socks5Request>(Hex(hex)), Is.EqualTo(expected));
}
