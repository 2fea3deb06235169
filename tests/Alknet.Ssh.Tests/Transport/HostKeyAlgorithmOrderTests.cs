using Alknet.Ssh.Transport;
using NUnit.Framework;

namespace Alknet.Ssh.Tests.Transport;

/// <summary>OpenSSH's order_hostkeyalgs: known key types first, unless the best preference is already known.</summary>
[TestFixture]
public sealed class HostKeyAlgorithmOrderTests
{
    private static readonly string[] Default = [.. SshAlgorithmNames.SupportedHostKeyAlgorithms];

    [Test]
    public void PreferKnown_BestPreferenceKnown_ListVerbatim() =>
        Assert.That(HostKeyAlgorithmOrder.PreferKnown(Default, ["ecdsa-sha2-nistp256", "ssh-ed25519"]), Is.EqualTo(Default));

    [Test]
    public void PreferKnown_OnlyEcdsaKnown_EcdsaFirstRestInOrder() =>
        Assert.That(HostKeyAlgorithmOrder.PreferKnown(Default, ["ecdsa-sha2-nistp256"]), Is.EqualTo((string[])
            ["ecdsa-sha2-nistp256", "ssh-ed25519", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256"]));

    [Test]
    public void PreferKnown_RsaKeyKnown_BothRsaSha2AlgorithmsFirst() =>
        Assert.That(HostKeyAlgorithmOrder.PreferKnown(Default, ["ssh-rsa"]), Is.EqualTo((string[])
            ["rsa-sha2-512", "rsa-sha2-256", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"]));

    [Test]
    public void PreferKnown_NothingKnown_ListVerbatim() =>
        Assert.That(HostKeyAlgorithmOrder.PreferKnown(Default, []), Is.EqualTo(Default));

    [TestCase(null, true)]
    [TestCase("", true)]
    [TestCase("+rsa-sha2-256", true)]
    [TestCase("-ssh-ed25519", true)]
    [TestCase("ecdsa-sha2-nistp256,ssh-ed25519", false)]
    [TestCase("^rsa-sha2-512", false)]
    public void AppliesTo_HostKeyAlgorithmsSpec_AsSshKex2(string? spec, bool applies) =>
        Assert.That(HostKeyAlgorithmOrder.AppliesTo(spec), Is.EqualTo(applies));
}
