using System.Net;
using Alknet.Engine.Relay;
using Alknet.Engine.Socks5;
using Microsoft.Extensions.Logging;

namespace Alknet.Engine.Frontend;

/// <summary>
/// The connection-level events a SOCKS5 front end logs. By design none of them takes a destination: the target
/// a client asked for is not a parameter of any method here, so it cannot reach a log line by accident.
/// </summary>
internal static partial class Socks5ProxyLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, EndPoint endpoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "accepted id={Id} peer={Peer}")]
    public static partial void Accepted(ILogger logger, long id, EndPoint? peer);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "closed id={Id} peer={Peer} duration={DurationMs}ms up={BytesUp} down={BytesDown} outcome={Outcome}")]
    public static partial void Closed(ILogger logger, long id, EndPoint? peer, long durationMs, long bytesUp, long bytesDown, string outcome);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "auth failed id={Id} peer={Peer}")]
    public static partial void AuthFailed(ILogger logger, long id, EndPoint? peer);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "handshake ended id={Id} peer={Peer} outcome={Outcome}")]
    public static partial void HandshakeEnded(ILogger logger, long id, EndPoint? peer, Socks5HandshakeOutcome outcome);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "connect failed id={Id} peer={Peer} reply={Reply}")]
    public static partial void DialFailed(ILogger logger, long id, EndPoint? peer, Socks5ReplyCode reply);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "refused peer={Peer}: connection limit {Limit} reached")]
    public static partial void LimitReached(ILogger logger, EndPoint? peer, int limit);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "stopping: draining {Count} connection(s) for up to {DrainSeconds}s")]
    public static partial void Draining(ILogger logger, int count, double drainSeconds);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "connection id={Id} failed unexpectedly: {ErrorType}")]
    public static partial void Unexpected(ILogger logger, long id, string errorType);

    public static string Describe(RelayOutcome outcome) => outcome switch
    {
        RelayOutcome.Completed => "completed",
        RelayOutcome.LeftError => "client-error",
        RelayOutcome.RightError => "target-error",
        RelayOutcome.IdleTimeout => "idle-timeout",
        RelayOutcome.Canceled => "shutdown",
        _ => outcome.ToString(),
    };
}
