using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Alknet.Cli.Commands;
using Alknet.Cli.Hosting;
using Microsoft.Extensions.Logging;

// The tests log through extension methods with arguments on purpose: that is one of the shapes being checked.
#pragma warning disable CA1873

namespace Alknet.Cli.Tests.Hosting;

/// <summary>
/// The line format is a contract with operators (fail2ban filters, journal searches): every record comes out byte
/// for byte as the SimpleConsole setup the CLI used before wrote it, timestamp included.
/// </summary>
[TestFixture]
public sealed partial class LineFormatTests
{
    private const string Category = "alknet.serve";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 21, 34, 38, 75, TimeSpan.Zero);
    private static readonly Exception Failure = Thrown();

    public static IEnumerable<TestCaseData> Records()
    {
        yield return Case("template", l => l.LogInformation("listening on {Endpoint}", new IPEndPoint(IPAddress.Loopback, 17002)));
        yield return Case("generated", l => ServeLog.RefusedPerIp(l, new IPEndPoint(IPAddress.IPv6Loopback, 5555), 4));
        yield return Case("generated exact", l => ServeLog.Closed(l, 7, new IPEndPoint(IPAddress.Parse("10.1.2.3"), 41234), 12, "closed"));
        yield return Case("trace", l => l.Log(LogLevel.Trace, new EventId(12), "t", null, Plain));
        yield return Case("debug", l => l.Log(LogLevel.Debug, new EventId(13), "d", null, Plain));
        yield return Case("warning", l => l.Log(LogLevel.Warning, new EventId(14), "w", null, Plain));
        yield return Case("error with exception", l => l.Log(LogLevel.Error, new EventId(5), "connection failed", Failure, Plain));
        yield return Case("critical with exception", l => l.Log(LogLevel.Critical, new EventId(99), "fatal", Failure, Plain));
        yield return Case("null message with exception", l => l.Log(LogLevel.Error, new EventId(1), "ignored", Failure, (_, _) => null!));
        yield return Case("null message, no exception", l => l.Log(LogLevel.Error, new EventId(1), "ignored", null, (_, _) => null!));
        yield return Case("empty message", l => l.Log(LogLevel.Information, new EventId(2), "", null, Plain));
        yield return Case("empty message with exception", l => l.Log(LogLevel.Information, new EventId(2), "", Failure, Plain));
        yield return Case("multi-line message", l => l.Log(LogLevel.Warning, new EventId(3), "first" + Environment.NewLine + "second\rthird\n", null, Plain));
        yield return Case("non-ASCII", l => l.Log(LogLevel.Information, new EventId(4), "häßlich ✓ 𝄞 user=jürgen", null, Plain));
        yield return Case("lone surrogate", l => l.Log(LogLevel.Information, new EventId(4), "bad \ud800 half", null, Plain));
        yield return Case("negative event id", l => l.Log(LogLevel.Information, new EventId(int.MinValue), "m", null, Plain));
        yield return Case("event id zero", l => l.Log(LogLevel.Information, default, "m", null, Plain));
        yield return Case("long message", l => l.Log(LogLevel.Information, new EventId(6), new string('x', 5000) + "ü", null, Plain));
    }

    [TestCaseSource(nameof(Records))]
    public void Write_Record_SameBytesAsSimpleConsole(Action<ILogger> log)
    {
        using var reference = new SimpleConsoleReference(Category);
        log(reference);
        var expected = Encoding.UTF8.GetBytes(WithTimestamp(reference.Output));

        var actual = LogThroughCli(LogLevel.Trace, log);

        Assert.That(Encoding.UTF8.GetString(actual), Is.EqualTo(Encoding.UTF8.GetString(expected)));
        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void Write_ConnectionLine_ReadsAsBefore()
    {
        var line = Encoding.UTF8.GetString(LogThroughCli(LogLevel.Information, l => ServeLog.Listening(l, new IPEndPoint(IPAddress.Loopback, 17002))));

        Assert.That(line, Is.EqualTo("2026-12-01T21:34:38.075Z info: alknet.serve[1] listening on 127.0.0.1:17002" + Environment.NewLine));
    }

    [Test]
    public void Write_AuthFailure_MatchesTheDocumentedFail2banFilter()
    {
        // docs/operations.md: failregex = ^.*alknet\.serve\[\d+\] auth failed peer=\[?<HOST>\]?:\d+ user=
        var line = Encoding.UTF8.GetString(LogThroughCli(LogLevel.Information,
            l => l.LogWarning(new EventId(20), "auth failed peer={Peer} user={User}", new IPEndPoint(IPAddress.Parse("192.0.2.7"), 50022), "root")));

        Assert.That(Fail2banAuth().Match(line).Groups["host"].Value, Is.EqualTo("192.0.2.7"));
    }

    [TestCase(1, 1, 1, 0, 0, 0, 0)]
    [TestCase(2026, 12, 1, 21, 34, 38, 75)]
    [TestCase(2024, 2, 29, 23, 59, 59, 999)]
    [TestCase(9999, 12, 31, 23, 59, 59, 999)]
    [TestCase(1970, 1, 1, 0, 0, 0, 5)]
    public void Write_Timestamp_SameAsTheFormatString(int y, int mo, int d, int h, int mi, int s, int ms)
    {
        var t = new DateTime(y, mo, d, h, mi, s, ms, DateTimeKind.Utc).AddTicks(9999);
        var buffer = new byte[LineFormat.MaxLength(3, "m", null)];

        int n = LineFormat.Write(buffer, t, LogLevel.Information, ": c["u8, 0, "m", null);

        Assert.That(Encoding.UTF8.GetString(buffer, 0, LineFormat.TimestampLength),
            Is.EqualTo(t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ ", CultureInfo.InvariantCulture)));
        Assert.That(n, Is.LessThanOrEqualTo(buffer.Length));
    }

    private static byte[] LogThroughCli(LogLevel minimum, Action<ILogger> log)
    {
        var sink = new MemoryStream();
        using (var factory = CliLogging.Create(minimum, sink, clock: new FixedClock(Now)))
        {
            log(factory.CreateLogger(Category));
        }

        return sink.ToArray();
    }

    /// <summary>SimpleConsole stamps with the real clock; put the fixed instant in its place (after checking the shape).</summary>
    private static string WithTimestamp(string line)
    {
        if (line.Length == 0) return line;
        Assert.That(line[..LineFormat.TimestampLength], Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z $"), "premise: the reference starts with its timestamp");
        return "2026-12-01T21:34:38.075Z " + line[LineFormat.TimestampLength..];
    }

    private static TestCaseData Case(string name, Action<ILogger> log) => new TestCaseData(log).SetArgDisplayNames(name);

    private static string Plain(string state, Exception? _) => state;

    private static InvalidOperationException Thrown()
    {
        try
        {
            try
            {
                throw new IOException("inner failure");
            }
            catch (IOException e)
            {
                throw new InvalidOperationException("outer failure", e);
            }
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }

    [GeneratedRegex(@"^.*alknet\.serve\[\d+\] auth failed peer=\[?(?<host>[^\]\s]+?)\]?:\d+ user=")]
    private static partial Regex Fail2banAuth();
}
