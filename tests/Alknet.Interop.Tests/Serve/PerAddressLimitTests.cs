using System.Net;
using Alknet.Cli.Hosting;

namespace Alknet.Interop.Tests.Serve;

/// <summary>The per-address counter behind --max-connections-per-ip, and the address normalisation it relies on.</summary>
[TestFixture]
public sealed class PerAddressLimitTests
{
    private static readonly IPAddress Client = IPAddress.Parse("203.0.113.9");
    private static readonly IPAddress Other = IPAddress.Parse("198.51.100.4");

    [Test]
    public void TryAcquire_AtLimit_ReturnsFalse()
    {
        var limit = new PerAddressLimit(2);

        Assert.That(limit.TryAcquire(Client), Is.True);
        Assert.That(limit.TryAcquire(Client), Is.True);
        Assert.That(limit.TryAcquire(Client), Is.False);
        Assert.That(limit.OpenFrom(Client), Is.EqualTo(2), "a refusal is not counted");
    }

    [Test]
    public void TryAcquire_OtherAddressAtLimit_ReturnsTrue()
    {
        var limit = new PerAddressLimit(1);
        Assert.That(limit.TryAcquire(Client), Is.True);

        Assert.That(limit.TryAcquire(Other), Is.True);
    }

    [Test]
    public void Release_AtLimit_AllowsOneMore()
    {
        var limit = new PerAddressLimit(1);
        Assert.That(limit.TryAcquire(Client), Is.True);

        limit.Release(Client);

        Assert.That(limit.OpenFrom(Client), Is.Zero);
        Assert.That(limit.TryAcquire(Client), Is.True);
    }

    [Test]
    public void TryAcquire_ZeroLimit_AlwaysReturnsTrue()
    {
        var limit = new PerAddressLimit(0);

        for (var i = 0; i < 1000; i++)
        {
            Assert.That(limit.TryAcquire(Client), Is.True);
        }
    }

    [Test]
    public void Constructor_NegativeLimit_Throws()
    {
        Assert.That(() => new PerAddressLimit(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Normalize_Ipv4MappedAddress_ReturnsIpv4()
    {
        var mapped = IPAddress.Parse("::ffff:203.0.113.9");

        Assert.That(PeerAddress.Normalize(mapped), Is.EqualTo(Client));
        Assert.That(PeerAddress.Normalize(new IPEndPoint(mapped, 51514)), Is.EqualTo(new IPEndPoint(Client, 51514)));
    }

    [Test]
    public void Normalize_Ipv6Address_ReturnsItUnchanged()
    {
        var v6 = IPAddress.Parse("2001:db8::1");

        Assert.That(PeerAddress.Normalize(v6), Is.EqualTo(v6));
    }
}
