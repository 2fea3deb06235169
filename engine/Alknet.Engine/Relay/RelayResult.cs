namespace Alknet.Engine.Relay;

/// <summary>The outcome of a relay and how many bytes moved each way.</summary>
/// <param name="Outcome">Why the relay ended.</param>
/// <param name="BytesLeftToRight">Bytes read from the left side and written to the right side.</param>
/// <param name="BytesRightToLeft">Bytes read from the right side and written to the left side.</param>
public readonly record struct RelayResult(RelayOutcome Outcome, long BytesLeftToRight, long BytesRightToLeft)
{
    /// <summary>
    /// The first error seen when <see cref="Outcome"/> is not <see cref="RelayOutcome.Completed"/>; for
    /// diagnostics only, never rethrown. Not part of equality: two results are equal when outcome and counts are.
    /// </summary>
    public Exception? Error { get; init; }

    /// <summary>Equal when outcome and both byte counts are equal (<see cref="Error"/> is ignored).</summary>
    public bool Equals(RelayResult other) =>
        Outcome == other.Outcome && BytesLeftToRight == other.BytesLeftToRight && BytesRightToLeft == other.BytesRightToLeft;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Outcome, BytesLeftToRight, BytesRightToLeft);
}
