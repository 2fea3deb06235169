namespace Alknet.Engine.Relay;

/// <summary>The outcome of a relay and how many bytes moved each way.</summary>
/// <param name="Outcome">Why the relay ended.</param>
/// <param name="BytesLeftToRight">Bytes read from the left side and written to the right side.</param>
/// <param name="BytesRightToLeft">Bytes read from the right side and written to the left side.</param>
public readonly record struct RelayResult(RelayOutcome Outcome, long BytesLeftToRight, long BytesRightToLeft)
{
    /// <summary>The first error seen when <see cref="Outcome"/> is an error; for diagnostics, never rethrown.</summary>
    public Exception? Error { get; init; }
}
