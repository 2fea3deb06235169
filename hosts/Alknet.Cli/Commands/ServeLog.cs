using System.Net;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Commands;

/// <summary>
/// The SSH server's connection-level log lines, in a fixed key=value shape that fail2ban filters can match.
/// No method takes a destination, so none can be logged by accident.
/// </summary>
internal static partial class ServeLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, EndPoint endpoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "connection open id={Id} peer={Peer}")]
    public static partial void Opened(ILogger logger, long id, EndPoint? peer);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "connection closed id={Id} peer={Peer} duration={DurationMs}ms outcome={Outcome}")]
    public static partial void Closed(ILogger logger, long id, EndPoint? peer, long durationMs, string outcome);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "stopping: disconnecting {Count} connection(s)")]
    public static partial void Stopping(ILogger logger, int count);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "connection id={Id} failed unexpectedly: {ErrorType}")]
    public static partial void Unexpected(ILogger logger, long id, string errorType);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "generated host key {Path}: {KeyType} {Fingerprint}")]
    public static partial void GeneratedHostKey(ILogger logger, string path, string keyType, string fingerprint);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "host key {Path}: {KeyType} {Fingerprint}")]
    public static partial void HostKey(ILogger logger, string path, string keyType, string fingerprint);

    /// <summary>One warning per connection refused by --max-connections-per-ip, before any SSH byte is exchanged.</summary>
    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "connection refused peer={Peer} reason=per-ip limit {Limit} reached")]
    public static partial void RefusedPerIp(ILogger logger, EndPoint? peer, int limit);

    /// <summary>The outbound path and the limits, once at start. <paramref name="via"/> is "direct" or a proxy URL with its password masked.</summary>
    [LoggerMessage(EventId = 9, Level = LogLevel.Information,
        Message = "outbound {Via}, max {MaxChannels} channels per session, max {MaxPerIp} connections per IP (0 = unlimited)")]
    public static partial void Settings(ILogger logger, string via, int maxChannels, int maxPerIp);
}
