using NUnit.Framework;
using Alknet.Engine.Socks5;
using static Alknet.Engine.Tests.Socks5.WireTestKit;

namespace Alknet.Engine.Tests.Socks5;

public class Socks5MethodSelectionTests
{
    private static readonly string[] ValidMessages = ["05 00", "05 02", "05 FF"];

    [TestCaseSource(nameof(ValidMessages))]
    public void TryParse_EveryPrefix_NeedsMoreAndConsumesNothing(string hex) =>
        AssertEveryPrefixNeedsMore<Socks5MethodSelection>(Hex(hex));

    [TestCaseSource(nameof(ValidMessages))]
    public void TryParse_OneBytePerSegment_MatchesSingleSegment(string hex) =>
        Assert.That(ParseOneBytePerSegment<Socks5MethodSelection>(Hex(hex)), Is.EqualTo(Parse<Socks5MethodSelection>(Hex(hex))));

    [TestCase(Socks5AuthMethod.NoAuthentication)]
    [TestCase(Socks5AuthMethod.UserNamePassword)]
    [TestCase(Socks5AuthMethod.NoAcceptableMethods)]
    public void Write_ThenParse_RoundTrips(Socks5AuthMethod method)
    {
        var message = new Socks5MethodSelection(method);
        Assert.That(Parse<Socks5MethodSelection>(WriteToArray(message)), Is.EqualTo(message));
    }

    [Test]
    public void Write_NoAcceptableMethods_IsFiveFF() =>
        Assert.That(WriteToArray(new Socks5MethodSelection(Socks5AuthMethod.NoAcceptableMethods)), Is.EqualTo(Hex("05 FF")));

    [TestCase("04 00", TestName = "TryParse_WrongVersion_GeneralFailure")]
    [TestCase("01", TestName = "TryParse_WrongVersionFirstByteOnly_GeneralFailure")]
    public void TryParse_Malformed_ThrowsGeneralFailure(string hex) =>
        Assert.That(MalformedCode<Socks5MethodSelection>(Hex(hex)), Is.EqualTo(Socks5ReplyCode.GeneralFailure));
}
