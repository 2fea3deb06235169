namespace Alknet.Engine.Relay;

/// <summary>Options for <see cref="Relay.RunAsync"/>.</summary>
public sealed record RelayOptions
{
    /// <summary>Options with no idle timeout and full teardown on error.</summary>
    public static RelayOptions Default { get; } = new();

    /// <summary>
    /// End the relay with <see cref="RelayOutcome.IdleTimeout"/> when no byte moves in either direction for this
    /// long. <see cref="Timeout.InfiniteTimeSpan"/> (the default) disables it.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// When the relay ends with anything but <see cref="RelayOutcome.Completed"/>, call
    /// <see cref="Transport.IConnection.Abort"/> on sides that are connections (besides completing their pipes
    /// with the error). On by default so that nothing behind a failed relay hangs.
    /// </summary>
    public bool AbortOnFailure { get; init; } = true;
}
