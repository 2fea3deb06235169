using System.Net;
using Alknet.Engine.Dialing;
using NUnit.Framework;

namespace Alknet.Engine.Tests.Dialing;

public class HappyEyeballsTests
{
    [Test]
    public void Interleave_IPv6First_AlternatesFamiliesStartingWithIPv6()
    {
        var input = Parse("2001:db8::1", "2001:db8::2", "2001:db8::3", "192.0.2.1", "192.0.2.2");
        Assert.That(HappyEyeballs.Interleave(input), Is.EqualTo(Parse("2001:db8::1", "192.0.2.1", "2001:db8::2", "192.0.2.2", "2001:db8::3")));
    }

    [Test]
    public void Interleave_IPv4RankedFirst_KeepsResolverPreference()
    {
        var input = Parse("192.0.2.1", "192.0.2.2", "2001:db8::1");
        Assert.That(HappyEyeballs.Interleave(input), Is.EqualTo(Parse("192.0.2.1", "2001:db8::1", "192.0.2.2")));
    }

    [Test]
    public void Interleave_SingleFamily_KeepsOrder()
    {
        var input = Parse("192.0.2.3", "192.0.2.1", "192.0.2.2");
        Assert.That(HappyEyeballs.Interleave(input), Is.EqualTo(input));
    }

    private static IPAddress[] Parse(params string[] addresses) => Array.ConvertAll(addresses, IPAddress.Parse);
}
