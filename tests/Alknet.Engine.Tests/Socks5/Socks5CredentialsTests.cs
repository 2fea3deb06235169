using System.Text;
using Alknet.Engine.Socks5;
using NUnit.Framework;

namespace Alknet.Engine.Tests.Socks5;

public class Socks5CredentialsTests
{
    private readonly Socks5Credentials _credentials = new("alice", "pässword");

    [Test]
    public void Matches_SameUtf8Octets_ReturnsTrue() =>
        Assert.That(_credentials.Matches("alice"u8, Encoding.UTF8.GetBytes("pässword")), Is.True);

    [TestCase("alice", "password")]
    [TestCase("alic", "pässword")]
    [TestCase("alice", "pässwor")]
    [TestCase("", "")]
    public void Matches_AnyDifference_ReturnsFalse(string user, string password) =>
        Assert.That(_credentials.Matches(Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(password)), Is.False);

    [Test]
    public void Constructor_EmptyUserName_Throws() =>
        Assert.That(() => new Socks5Credentials(string.Empty, "x"), Throws.ArgumentException);

    [Test]
    public void Constructor_PasswordOver255Octets_Throws() =>
        Assert.That(() => new Socks5Credentials("u", new string('p', 256)), Throws.ArgumentException);

    [Test]
    public void ToString_Always_HidesSecrets() =>
        Assert.That(_credentials.ToString(), Does.Not.Contain("alice").And.Not.Contain("ssword"));
}
