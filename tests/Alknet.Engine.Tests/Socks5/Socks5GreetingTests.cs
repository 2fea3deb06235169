using NUnit.Framework;
using Alknet.Engine.Socks5;
using static Alknet.Engine.Tests.Socks5.WireTestKit;

namespace Alknet.Engine.Tests.Socks5;

public class Socks5GreetingTests
{
    private static readonly string[] ValidMessages = ["05 01 00", "05 02 00 02", "05 03 00 01 02", "05 02 02 02"];

    [TestCaseSource(nameof(ValidMessages))]
    public void TryParse_EveryPrefix_NeedsMoreAndConsumesNothing(string hex) =>
        AssertEveryPrefixNeedsMore<Socks5Greeting>(Hex(hex));

    [TestCaseSource(nameof(ValidMessages))]
    public void TryParse_OneBytePerSegment_MatchesSingleSegment(string hex) =>
        Assert.That(ParseOneBytePerSegment<Socks5Greeting>(Hex(hex)), Is.EqualTo(Parse<Socks5Greeting>(Hex(hex))));

    [Test]
    public void TryParse_TwoMethods_OffersExactlyThose()
    {
        var greeting = Parse<Socks5Greeting>(Hex("05 02 00 02"));
        Assert.That(greeting.Offers(Socks5AuthMethod.NoAuthentication), Is.True);
        Assert.That(greeting.Offers(Socks5AuthMethod.UserNamePassword), Is.True);
        Assert.That(greeting.Offers(Socks5AuthMethod.Gssapi), Is.False);
        Assert.That(greeting.Count, Is.EqualTo(2));
    }

    [Test]
    public void TryParse_DuplicateMethods_CountsDistinctMethods() =>
        Assert.That(Parse<Socks5Greeting>(Hex("05 03 02 02 02")).Count, Is.EqualTo(1));

    [Test]
    public void TryParse_All255Methods_Parses()
    {
        var bytes = new byte[2 + 255];
        bytes[0] = 5;
        bytes[1] = 255;
        for (var i = 0; i < 255; i++)
        {
            bytes[2 + i] = (byte)i;
        }

        var greeting = Parse<Socks5Greeting>(bytes);
        Assert.That(greeting.Count, Is.EqualTo(255));
        Assert.That(greeting.Offers((Socks5AuthMethod)254), Is.True);
        Assert.That(greeting.Offers(Socks5AuthMethod.NoAcceptableMethods), Is.False);
    }

    [Test]
    public void Write_ThenParse_RoundTrips()
    {
        var greeting = new Socks5Greeting([Socks5AuthMethod.UserNamePassword, Socks5AuthMethod.NoAuthentication]);
        var bytes = WriteToArray(greeting);
        Assert.That(bytes, Is.EqualTo(Hex("05 02 00 02")));
        Assert.That(Parse<Socks5Greeting>(bytes), Is.EqualTo(greeting));
    }

    [TestCase("04 01 00", Socks5ReplyCode.GeneralFailure, TestName = "TryParse_Socks4Version_GeneralFailure")]
    [TestCase("47 45 54", Socks5ReplyCode.GeneralFailure, TestName = "TryParse_HttpRequest_GeneralFailure")]
    [TestCase("05 00", Socks5ReplyCode.GeneralFailure, TestName = "TryParse_ZeroMethods_GeneralFailure")]
    public void TryParse_Malformed_ThrowsExactCode(string hex, Socks5ReplyCode expected) =>
        Assert.That(MalformedCode<Socks5Greeting>(Hex(hex)), Is.EqualTo(expected));
}
