namespace Alknet.Engine.Transport;

/// <summary>How a splice (<see cref="ISpliceTarget.TrySpliceFrom"/>) ended.</summary>
public enum SpliceEnd
{
    /// <summary>The source ended cleanly; the target sent everything and then its end of stream (FIN, CHANNEL_EOF).</summary>
    SourceCompleted,

    /// <summary>Reading the source threw (its peer reset, say); the target was torn down (RST, CHANNEL_CLOSE).</summary>
    SourceFailed,

    /// <summary>Sending failed, or the target was aborted.</summary>
    SendFailed,

    /// <summary>The source's pending read was canceled (the relay stopped) or the target was disposed.</summary>
    Stopped,
}

/// <summary>The end of a splice and, for the failures, what went wrong.</summary>
public readonly record struct SpliceResult(SpliceEnd End, Exception? Error);
