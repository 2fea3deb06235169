using Alknet.Cli.Hosting;

namespace Alknet.Cli.Tests.Hosting;

/// <summary>The size syntax shared by the measurement-only environment variables.</summary>
[TestFixture]
public sealed class MeasurementKnobsTests
{
    private const long Min = 32 * 1024;
    private const long Max = 1024 * 1024;

    [TestCase("32768", 32768)]
    [TestCase("128K", 131072)]
    [TestCase(" 1m ", 1048576)]
    public void TryParseSize_InRange_GivesBytes(string text, long expected)
    {
        Assert.That(MeasurementKnobs.TryParseSize(text, Min, Max, out var bytes), Is.True);
        Assert.That(bytes, Is.EqualTo(expected));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("16K")]
    [TestCase("2M")]
    [TestCase("-64K")]
    [TestCase("64KB")]
    [TestCase("99999999999999999M")]
    public void TryParseSize_MissingMalformedOrOutOfRange_IsIgnored(string? text)
    {
        Assert.That(MeasurementKnobs.TryParseSize(text, Min, Max, out _), Is.False);
    }
}
