using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Hosting;

/// <summary>
/// One category's logger: formats the record straight into UTF-8 on the caller's stack (a pooled array for long
/// records) and hands the bytes to the <see cref="LineWriter"/>. The only allocation per line is the message string
/// the record's own formatter returns.
/// </summary>
internal sealed class LineLogger : ILogger
{
    /// <summary>Connection lines are ~100 bytes; the UTF-8 upper bound of a typical message stays well below this.</summary>
    private const int StackLimit = 1024;

    private readonly byte[] _categoryPrefix;
    private readonly LineWriter _writer;
    private readonly LogLevel _minimum;
    private readonly TimeProvider _clock;

    public LineLogger(string category, LineWriter writer, LogLevel minimum, TimeProvider clock)
    {
        _categoryPrefix = LineFormat.CategoryPrefix(category);
        _writer = writer;
        _minimum = minimum;
        _clock = clock;
    }

    /// <summary>Scopes are not part of the line format (the CLI never turned them on).</summary>
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= _minimum && logLevel != LogLevel.None;

    [SkipLocalsInit]
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        ArgumentNullException.ThrowIfNull(formatter);
        string? message = formatter(state, exception);
        if (message is null && exception is null) return; // SimpleConsole writes nothing for these either

        // Stamped here, on the caller's thread, as SimpleConsole did: the time of the event, not of the write.
        var now = _clock.GetUtcNow().UtcDateTime;
        string? error = exception?.ToString();
        int max = LineFormat.MaxLength(_categoryPrefix.Length, message, error);
        byte[]? rented = null;
        Span<byte> buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int length = LineFormat.Write(buffer, now, logLevel, _categoryPrefix, eventId.Id, message, error);
            _writer.Append(buffer[..length]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
