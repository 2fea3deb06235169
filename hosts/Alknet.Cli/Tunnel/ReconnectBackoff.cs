namespace Alknet.Cli.Tunnel;

/// <summary>
/// How long to wait before the next attempt to re-establish the SSH session: exponential backoff from 1 s doubling
/// to a 30 s cap, forever, with "equal jitter" (each delay is drawn from the upper half of its step) so that many
/// clients cut off by one server restart do not reconnect in lockstep, while no delay ever exceeds the cap.
/// </summary>
/// <remarks>Not thread-safe: one instance belongs to one reconnect loop.</remarks>
internal sealed class ReconnectBackoff
{
    public static readonly TimeSpan DefaultInitial = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultMax = TimeSpan.FromSeconds(30);

    private readonly Func<double> _random;
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;

    /// <param name="random">A source of values in [0, 1); tests pass a fixed sequence. Default: <see cref="Random.Shared"/>.</param>
    /// <param name="initial">The first step (default 1 s).</param>
    /// <param name="max">The cap (default 30 s); also how long a session must last to reset the backoff.</param>
    public ReconnectBackoff(Func<double>? random = null, TimeSpan? initial = null, TimeSpan? max = null)
    {
        _random = random ?? Random.Shared.NextDouble;
        _initial = initial ?? DefaultInitial;
        _max = max ?? DefaultMax;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_initial, TimeSpan.Zero, nameof(initial));
        ArgumentOutOfRangeException.ThrowIfLessThan(_max, _initial, nameof(max));
    }

    /// <summary>Failed attempts since the last reset (for a log line such as "attempt 3").</summary>
    public int Attempt { get; private set; }

    /// <summary>The delay before the next attempt: uniform in [step/2, step), step = min(max, initial·2^attempt).</summary>
    public TimeSpan NextDelay()
    {
        double r = _random();
        if (!(r >= 0 && r < 1)) throw new InvalidOperationException("the random source must return values in [0, 1)");
        // Doubling stops at the cap, so the step never overflows however long the server stays away.
        var step = _initial;
        for (int i = 0; i < Attempt && step < _max; i++) step *= 2;
        if (step > _max) step = _max;
        if (Attempt < int.MaxValue) Attempt++;
        return step / 2 + step / 2 * r;
    }

    /// <summary>Starts again from the first step.</summary>
    public void Reset() => Attempt = 0;

    /// <summary>
    /// Call when an established session ends. Only a session that stayed up for at least the cap resets the backoff:
    /// a server that accepts and then drops every session at once is retried at the growing delay, not every second.
    /// </summary>
    public void SessionEnded(TimeSpan uptime)
    {
        if (uptime >= _max) Reset();
    }
}
