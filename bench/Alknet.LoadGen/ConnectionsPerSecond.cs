using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Alknet.LoadGen;

/// <summary>
/// "cps": N workers, each repeating connect → SOCKS5 handshake (optional RFC 1929) → CONNECT → send K bytes →
/// read them back and compare checksums → close. Reports completed connections per second and the latency of
/// the whole cycle (p50/p90/p99/max), and errors by SOCKS5 reply code. A warm-up period is run and discarded.
/// </summary>
internal static class ConnectionsPerSecond
{
    public static async Task<int> RunAsync(Options options, CancellationToken stop)
    {
        var proxy = options.EndPoint("--proxy", "127.0.0.1:1080");
        var target = options.EndPoint("--target");
        var user = options.String("--user");
        var password = options.String("--pass");
        var concurrency = options.Int("--concurrency", 32);
        var duration = TimeSpan.FromSeconds(options.Double("--duration", 10));
        var warmup = TimeSpan.FromSeconds(options.Double("--warmup", 1));
        var bytes = options.Int("--bytes", 64);
        var timeout = TimeSpan.FromSeconds(options.Double("--timeout", 10));
        options.RejectUnknown();

        var client = new Socks5Client(proxy, target, user, password);
        var payload = new byte[bytes];
        Random.Shared.NextBytes(payload);
        var expected = Checksum.Of(payload);

        using var run = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var measuring = new StrongBox<bool>();
        var workers = new Worker[concurrency];
        var tasks = new Task[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            workers[i] = new Worker(client, payload, expected, timeout, measuring);
            tasks[i] = workers[i].RunAsync(run.Token);
        }

        await DelayAsync(warmup, stop).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        measuring.Value = true;
        await DelayAsync(duration, stop).ConfigureAwait(false);
        measuring.Value = false;
        var elapsed = Stopwatch.GetElapsedTime(started);
        await run.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(tasks).ConfigureAwait(false);

        var latencies = new List<double>();
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var unfinished = 0;
        foreach (var worker in workers)
        {
            unfinished += worker.Unfinished;
            latencies.AddRange(worker.Latencies);
            foreach (var (kind, count) in worker.Errors)
            {
                errors[kind] = errors.GetValueOrDefault(kind) + count;
            }
        }

        latencies.Sort();
        var ok = latencies.Count;
        var errorCount = errors.Values.Sum();
        var cps = ok / elapsed.TotalSeconds;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"cps: proxy={proxy} auth={(user is null ? "none" : "user/pass")} concurrency={concurrency} bytes={bytes} duration={elapsed.TotalSeconds:0.0}s"));
        Console.WriteLine(string.Create(inv, $"connections/s: {cps:0.0}  ok={ok} errors={errorCount} inflight={unfinished}"));
        Console.WriteLine(string.Create(inv, $"latency ms: p50={Percentile(latencies, 50):0.000} p90={Percentile(latencies, 90):0.000} p99={Percentile(latencies, 99):0.000} max={(ok == 0 ? 0 : latencies[^1]):0.000}"));
        if (errors.Count > 0)
        {
            Console.WriteLine("errors: " + string.Join(' ', errors.Select(e => $"{e.Key}={e.Value}")));
        }

        Console.WriteLine(string.Create(inv, $"RESULT mode=cps cps={cps:0.0} ok={ok} errors={errorCount} inflight={unfinished} p50_ms={Percentile(latencies, 50):0.000} p90_ms={Percentile(latencies, 90):0.000} p99_ms={Percentile(latencies, 99):0.000} max_ms={(ok == 0 ? 0 : latencies[^1]):0.000}"));
        return ok > 0 ? 0 : 1;
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static double Percentile(List<double> sorted, int percent)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var index = (int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }

    private sealed class StrongBox<T>
    {
        public volatile bool Flag;

        public bool Value { get => Flag; set => Flag = value; }
    }

    private sealed class Worker(Socks5Client client, byte[] payload, ulong expected, TimeSpan timeout, StrongBox<bool> measuring)
    {
        private readonly byte[] _scratch = new byte[262];
        private readonly byte[] _echo = new byte[payload.Length];

        public List<double> Latencies { get; } = [];

        public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

        public int Unfinished { get; private set; }

        public async Task RunAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                var counted = measuring.Value;
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
                deadline.CancelAfter(timeout);
                string? error = null;
                try
                {
                    using var socket = await client.ConnectAsync(_scratch, deadline.Token).ConfigureAwait(false);
                    if (payload.Length > 0)
                    {
                        await Socks5Client.SendAllAsync(socket, payload, deadline.Token).ConfigureAwait(false);
                        await Socks5Client.ReceiveExactlyAsync(socket, _echo, deadline.Token).ConfigureAwait(false);
                        if (Checksum.Of(_echo) != expected)
                        {
                            error = "checksum";
                        }
                    }
                }
                catch (Socks5ReplyException e)
                {
                    error = e.Code switch
                    {
                        Socks5Client.NoAcceptableMethod => "no-method",
                        Socks5Client.AuthenticationFailed => "auth",
                        _ => $"reply-0x{e.Code:x2}",
                    };
                }
                catch (OperationCanceledException)
                {
                    if (stop.IsCancellationRequested)
                    {
                        // Still running when the window closed: a proxy slower than the window must show up
                        // as unfinished work, not as a silent zero.
                        Unfinished++;
                        return;
                    }

                    error = "timeout";
                }
                catch (SocketException e)
                {
                    error = "socket-" + e.SocketErrorCode;
                }
                catch (IOException)
                {
                    error = "eof";
                }

                if (!counted || !measuring.Value)
                {
                    continue;
                }

                if (error is null)
                {
                    Latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                else
                {
                    Errors[error] = Errors.GetValueOrDefault(error) + 1;
                }
            }
        }
    }
}
