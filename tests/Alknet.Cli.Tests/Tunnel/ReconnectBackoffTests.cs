using Alknet.Cli.Tunnel;

namespace Alknet.Cli.Tests.Tunnel;

/// <summary>The reconnect delays as values: 1 s doubling to a 30 s cap, equal jitter, reset rules.</summary>
[TestFixture]
public sealed class ReconnectBackoffTests
{
    private static Func<double> Sequence(params double[] values)
    {
        int i = 0;
        return () => values[i++ % values.Length];
    }

    private static double[] Delays(ReconnectBackoff backoff, int count)
    {
        var delays = new double[count];
        for (int i = 0; i < count; i++) delays[i] = backoff.NextDelay().TotalSeconds;
        return delays;
    }

    [Test]
    public void NextDelay_LowestJitter_HalfOfEachStep() =>
        Assert.That(Delays(new ReconnectBackoff(() => 0), 8), Is.EqualTo((double[])[0.5, 1, 2, 4, 8, 15, 15, 15]));

    [Test]
    public void NextDelay_MidJitter_ThreeQuartersOfEachStep() =>
        Assert.That(Delays(new ReconnectBackoff(() => 0.5), 7), Is.EqualTo((double[])[0.75, 1.5, 3, 6, 12, 22.5, 22.5]));

    [Test]
    public void NextDelay_VaryingRandom_EachDelayFromItsOwnDraw() =>
        Assert.That(Delays(new ReconnectBackoff(Sequence(0, 0.5, 0.25, 0.75, 0.1, 0.9)), 6),
            Is.EqualTo((double[])[0.5, 1.5, 2.5, 7, 8.8, 28.5]).Within(1e-9));

    [Test]
    public void NextDelay_ManyAttempts_StaysWithinCapWithoutOverflow()
    {
        var backoff = new ReconnectBackoff(() => 0.999999);
        for (int i = 0; i < 10_000; i++) backoff.NextDelay();

        var delay = backoff.NextDelay();

        Assert.Multiple(() =>
        {
            Assert.That(delay, Is.LessThan(TimeSpan.FromSeconds(30)));
            Assert.That(delay, Is.GreaterThan(TimeSpan.FromSeconds(29.99)));
            Assert.That(backoff.Attempt, Is.EqualTo(10_001));
        });
    }

    [Test]
    public void Reset_AfterSeveralAttempts_StartsFromFirstStep()
    {
        var backoff = new ReconnectBackoff(() => 0);
        Delays(backoff, 5);

        backoff.Reset();

        Assert.Multiple(() =>
        {
            Assert.That(backoff.Attempt, Is.Zero);
            Assert.That(Delays(backoff, 2), Is.EqualTo((double[])[0.5, 1]));
        });
    }

    [Test]
    public void SessionEnded_ShortSession_KeepsGrowing()
    {
        var backoff = new ReconnectBackoff(() => 0);
        Delays(backoff, 3);

        backoff.SessionEnded(TimeSpan.FromSeconds(29));

        Assert.That(backoff.NextDelay(), Is.EqualTo(TimeSpan.FromSeconds(4)));
    }

    [Test]
    public void SessionEnded_SessionThatStayedUp_Resets()
    {
        var backoff = new ReconnectBackoff(() => 0);
        Delays(backoff, 3);

        backoff.SessionEnded(TimeSpan.FromSeconds(30));

        Assert.That(backoff.NextDelay(), Is.EqualTo(TimeSpan.FromSeconds(0.5)));
    }

    [Test]
    public void NextDelay_CustomSteps_DoublesFromInitialToMax() =>
        Assert.That(Delays(new ReconnectBackoff(() => 0, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10)), 5),
            Is.EqualTo((double[])[1, 2, 4, 5, 5]));

    [TestCase(1.0)]
    [TestCase(-0.1)]
    [TestCase(double.NaN)]
    public void NextDelay_RandomOutsideUnitInterval_Throws(double value) =>
        Assert.Throws<InvalidOperationException>(() => new ReconnectBackoff(() => value).NextDelay());

    [Test]
    public void Constructor_MaxBelowInitial_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ReconnectBackoff(null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1)));
}
