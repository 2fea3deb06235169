using NUnit.Framework;
using Alknet.Engine.Socks5;
using static Alknet.Engine.Tests.Socks5.WireTestKit;

namespace Alknet.Engine.Tests.Socks5;

public class Socks5UserPassReplyTests
{
    private static readonly string[] ValidMessages = ["01 00", "01 01", "01 FF"];

    [TestCaseSource(nameof(ValidMessages))]
    public void TryParse_EveryPrefix_NeedsMoreAndConsumesNothing(string hex) =>
        AssertEveryPrefixNeedsMore<Socks5UserPassReply>(Hex(hex));

    [TestCaseSource(nameof(ValidMessages))]
    public void TryParse_OneBytePerSegment_MatchesSingleSegment(string hex) =>
        Assert.That(ParseOneBytePerSegment<Socks5UserPassReply>(Hex(hex)), Is.EqualTo(Parse<Socks5UserPassReply>(Hex(hex))));

    [TestCase((byte)0, true)]
    [TestCase((byte)1, false)]
    [TestCase((byte)0x80, false)]
    public void Write_ThenParse_RoundTrips(byte status, bool succeeded)
    {
        var reply = new Socks5UserPassReply(status);
        var parsed = Parse<Socks5UserPassReply>(WriteToArray(reply));
        Assert.That(parsed, Is.EqualTo(reply));
        Assert.That(parsed.Succeeded, Is.EqualTo(succeeded));
    }

    [TestCase("05 00", TestName = "TryParse_Socks5VersionInsteadOfSubnegotiation_GeneralFailure")]
    [TestCase("02", TestName = "TryParse_WrongVersionFirstByteOnly_GeneralFailure")]
    public void TryParse_Malformed_ThrowsGeneralFailure(string hex) =>
        Assert.That(MalformedCode<Socks5UserPassReply>(Hex(hex)), Is.EqualTo(Socks5ReplyCode.GeneralFailure));
}
