using System.Globalization;
using System.Net.Sockets;

namespace Alknet.LoadGen;

/// <summary>
/// "hold": opens N proxied connections (handshake, CONNECT, one small echo round trip so the relay is really
/// established end to end), prints "READY held=N failed=F", then keeps them idle until SIGINT/SIGTERM or
/// --hold seconds. Used to read the proxy's RSS per idle connection from /proc/&lt;pid&gt;/status.
/// </summary>
internal static class HoldConnections
{
    public static async Task<int> RunAsync(Options options, CancellationToken stop)
    {
        var proxy = options.EndPoint("--proxy", "127.0.0.1:1080");
        var target = options.EndPoint("--target");
        var user = options.String("--user");
        var password = options.String("--pass");
        var count = options.Int("--count", 1000);
        var parallel = options.Int("--parallel", 64);
        var hold = options.Double("--hold", 0);
        var timeout = TimeSpan.FromSeconds(options.Double("--timeout", 30));
        options.RejectUnknown();

        var client = new Socks5Client(proxy, target, user, password);
        var held = new Socket[count];
        var failures = new Dictionary<string, int>(StringComparer.Ordinal);
        var next = -1;

        async Task OpenAsync()
        {
            var scratch = new byte[262];
            int i;
            while ((i = Interlocked.Increment(ref next)) < count && !stop.IsCancellationRequested)
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
                deadline.CancelAfter(timeout);
                try
                {
                    var socket = await client.ConnectAsync(scratch, deadline.Token).ConfigureAwait(false);
                    scratch[0] = 0x5a;
                    await Socks5Client.SendAllAsync(socket, scratch.AsMemory(0, 1), deadline.Token).ConfigureAwait(false);
                    await Socks5Client.ReceiveExactlyAsync(socket, scratch.AsMemory(0, 1), deadline.Token).ConfigureAwait(false);
                    held[i] = socket;
                }
                catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or Socks5ReplyException)
                {
                    var kind = e switch
                    {
                        Socks5ReplyException r => $"reply-0x{r.Code:x2}",
                        SocketException s => "socket-" + s.SocketErrorCode,
                        OperationCanceledException => "timeout",
                        _ => "eof",
                    };
                    lock (failures)
                    {
                        failures[kind] = failures.GetValueOrDefault(kind) + 1;
                    }
                }
            }
        }

        var openers = new Task[Math.Max(1, Math.Min(parallel, count))];
        for (var w = 0; w < openers.Length; w++)
        {
            openers[w] = OpenAsync();
        }

        await Task.WhenAll(openers).ConfigureAwait(false);
        var ok = held.Count(s => s is not null);
        var failed = failures.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"READY held={ok} failed={failed}{(failed > 0 ? " " + string.Join(' ', failures.Select(f => $"{f.Key}={f.Value}")) : string.Empty)}"));

        try
        {
            await Task.Delay(hold > 0 ? TimeSpan.FromSeconds(hold) : Timeout.InfiniteTimeSpan, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        // Are they still alive after the hold? A proxy that dropped idle connections must not look cheap.
        var alive = 0;
        foreach (var socket in held)
        {
            if (socket is null)
            {
                continue;
            }

            if (!(socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0))
            {
                alive++;
            }

            socket.Dispose();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RELEASED alive={alive}"));
        return ok == count ? 0 : 1;
    }
}
