namespace Alknet.Engine.Relay;

/// <summary>How a relay ended.</summary>
public enum RelayOutcome
{
    /// <summary>Both directions reached end of stream and every byte was handed on.</summary>
    Completed,

    /// <summary>Reading from or writing to the left side failed; both sides were torn down.</summary>
    LeftError,

    /// <summary>Reading from or writing to the right side failed; both sides were torn down.</summary>
    RightError,

    /// <summary>No byte moved in either direction for <see cref="RelayOptions.IdleTimeout"/>.</summary>
    IdleTimeout,

    /// <summary>The caller's cancellation token fired.</summary>
    Canceled,
}
