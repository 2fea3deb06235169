using System.Net;
using System.Net.Sockets;

namespace Alknet.Engine.Dialing;

/// <summary>
/// RFC 8305 "Happy Eyeballs Version 2" connection racing over an already resolved address list.
/// </summary>
/// <remarks>
/// §4: addresses are interleaved by family, starting with the family the resolver ranked first (the
/// resolver has already applied RFC 6724 ordering). §5: one attempt starts, and the next starts when it
/// fails or when the connection attempt delay passes, whichever is first. The first successful connection
/// wins; the others are canceled and any that still complete are disposed.
/// </remarks>
internal static class HappyEyeballs
{
    public static IPAddress[] Interleave(IReadOnlyList<IPAddress> addresses)
    {
        var result = new IPAddress[addresses.Count];
        if (addresses.Count == 0)
        {
            return result;
        }

        var firstFamily = addresses[0].AddressFamily;
        var preferred = new List<IPAddress>(addresses.Count);
        var other = new List<IPAddress>(addresses.Count);
        for (var i = 0; i < addresses.Count; i++)
        {
            (addresses[i].AddressFamily == firstFamily ? preferred : other).Add(addresses[i]);
        }

        int p = 0, o = 0, n = 0;
        while (p < preferred.Count || o < other.Count)
        {
            if (p < preferred.Count)
            {
                result[n++] = preferred[p++];
            }

            if (o < other.Count)
            {
                result[n++] = other[o++];
            }
        }

        return result;
    }

    /// <summary>
    /// Races connections to <paramref name="addresses"/> (already interleaved). Throws the last
    /// <see cref="SocketException"/> when every attempt fails, or <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<Socket> ConnectAsync(
        IPAddress[] addresses, int port, TimeSpan attemptDelay, CancellationToken cancellationToken)
    {
        using var attemptsCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = new List<Task<Socket>>(addresses.Length);
        SocketException? lastError = null;
        var next = 0;
        try
        {
            while (next < addresses.Length || pending.Count > 0)
            {
                if (next < addresses.Length)
                {
                    pending.Add(ConnectOneAsync(addresses[next++], port, attemptsCts.Token));
                }

                var delay = next < addresses.Length ? Task.Delay(attemptDelay, attemptsCts.Token) : null;
                var waitSet = new Task[pending.Count + (delay is null ? 0 : 1)];
                for (var i = 0; i < pending.Count; i++)
                {
                    waitSet[i] = pending[i];
                }

                if (delay is not null)
                {
                    waitSet[^1] = delay;
                }

                var done = await Task.WhenAny(waitSet).ConfigureAwait(false);
                if (done == delay)
                {
                    continue;
                }

                var attempt = (Task<Socket>)done;
                pending.Remove(attempt);
                if (attempt.IsCompletedSuccessfully)
                {
                    return attempt.Result;
                }

                cancellationToken.ThrowIfCancellationRequested();
                lastError = attempt.Exception?.InnerException as SocketException ?? lastError
                    ?? new SocketException((int)SocketError.SocketError);
            }
        }
        finally
        {
            attemptsCts.Cancel();
            foreach (var loser in pending)
            {
                _ = DisposeWhenDoneAsync(loser);
            }
        }

        throw lastError ?? new SocketException((int)SocketError.HostNotFound);
    }

    private static async Task<Socket> ConnectOneAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task DisposeWhenDoneAsync(Task<Socket> attempt)
    {
        try
        {
            var socket = await attempt.ConfigureAwait(false);
            socket.Dispose();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A losing attempt failed or was canceled: nothing to release.
        }
    }
}
