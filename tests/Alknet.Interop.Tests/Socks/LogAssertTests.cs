namespace Alknet.Interop.Tests.Socks;

/// <summary>The destination-leak check itself must be able to fail, or the log tests prove nothing.</summary>
[TestFixture]
public sealed class LogAssertTests
{
    private static readonly string[] PortLeak = ["23456"];
    private static readonly string[] HostLeak = ["alknet-nx-abc.invalid"];

    private const string Line = "info: alknet.socks[3] closed id=7 peer=127.0.0.1:41234 duration=12ms up=24321 down=124321";

    [Test]
    public void FindLeaks_PortInHostPortForm_Found()
    {
        Assert.That(LogAssert.FindLeaks("connect failed to 127.0.0.1:23456", [], [23456]), Is.EqualTo(PortLeak));
    }

    [Test]
    public void FindLeaks_PortAsKeyValue_Found()
    {
        Assert.That(LogAssert.FindLeaks("target port=23456 refused", [], [23456]), Is.EqualTo(PortLeak));
    }

    [Test]
    public void FindLeaks_PortOnlyInsideLongerNumber_NotFound()
    {
        Assert.That(LogAssert.FindLeaks("down=124321 up=2432100", [], [24321]), Is.Empty);
    }

    [Test]
    public void FindLeaks_HostNameAnyCase_Found()
    {
        Assert.That(LogAssert.FindLeaks("resolve failed for ALKNET-NX-abc.INVALID", ["alknet-nx-abc.invalid"], []), Is.EqualTo(HostLeak));
    }

    [Test]
    public void FindLeaks_CleanConnectionLine_NothingFound()
    {
        Assert.That(LogAssert.FindLeaks(Line, ["alknet-nx-abc.invalid", "224.0.0.251"], [23456, 29999]), Is.Empty);
    }
}
