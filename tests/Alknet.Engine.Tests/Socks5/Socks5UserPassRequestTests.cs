using NUnit.Framework;
using System.Text;
using Alknet.Engine.Socks5;
using static Alknet.Engine.Tests.Socks5.WireTestKit;

namespace Alknet.Engine.Tests.Socks5;

public class Socks5UserPassRequestTests
{
    private static readonly string[] ValidMessages =
    [
        "01 04 75736572 06 736563726574", // user / secret
        "01 01 61 00", // a / empty password
    ];

    [TestCaseSource(nameof(ValidMessages))]
    public void TryParse_EveryPrefix_NeedsMoreAndConsumesNothing(string hex) =>
        AssertEveryPrefixNeedsMore<Socks5UserPassRequest>(Hex(hex));

    [TestCaseSource(nameof(ValidMessages))]
    public void TryParse_OneBytePerSegment_MatchesSingleSegment(string hex) =>
        Assert.That(ParseOneBytePerSegment<Socks5UserPassRequest>(Hex(hex)), Is.EqualTo(Parse<Socks5UserPassRequest>(Hex(hex))));

    [Test]
    public void TryParse_UserAndPassword_ExposesBoth()
    {
        var request = Parse<Socks5UserPassRequest>(Hex(ValidMessages[0]));
        Assert.That(Encoding.ASCII.GetString(request.UserName), Is.EqualTo("user"));
        Assert.That(Encoding.ASCII.GetString(request.Password), Is.EqualTo("secret"));
    }

    [Test]
    public void Write_ThenParse_RoundTripsMaximumLengths()
    {
        var user = new byte[255];
        var password = new byte[255];
        Array.Fill(user, (byte)'u');
        Array.Fill(password, (byte)'p');
        var request = new Socks5UserPassRequest(user, password);
        var bytes = WriteToArray(request);
        Assert.That(bytes, Has.Length.EqualTo(Socks5UserPassRequest.MaxLength));
        Assert.That(Parse<Socks5UserPassRequest>(bytes), Is.EqualTo(request));
    }

    [Test]
    public void ToString_Always_HidesCredentials() =>
        Assert.That(Parse<Socks5UserPassRequest>(Hex(ValidMessages[0])).ToString(), Does.Not.Contain("secret").And.Not.Contain("user"));

    [TestCase("05 04 75736572 00", TestName = "TryParse_WrongSubnegotiationVersion_GeneralFailure")]
    [TestCase("01 00 00", TestName = "TryParse_EmptyUserName_GeneralFailure")]
    public void TryParse_Malformed_ThrowsGeneralFailure(string hex) =>
        Assert.That(MalformedCode<Socks5UserPassRequest>(Hex(hex)), Is.EqualTo(Socks5ReplyCode.GeneralFailure));
}
