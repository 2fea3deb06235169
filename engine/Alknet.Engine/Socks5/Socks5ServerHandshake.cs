using System.IO.Pipelines;
using System.Net;

namespace Alknet.Engine.Socks5;

/// <summary>
/// The server side of RFC 1928 (with RFC 1929 username/password): method negotiation, optional
/// authentication, and the request, over any <see cref="IDuplexPipe"/>.
/// </summary>
/// <remarks>
/// Failures are answered on the wire before they are returned: X'FF' when no offered method is acceptable,
/// an RFC 1929 failure status for bad credentials, and a reply carrying the exact code (X'07', X'08', X'01')
/// for a bad request. A timeout is not answered: a stalled client is simply dropped. The handshake never
/// closes the pipe; the caller disposes the connection for every outcome other than
/// <see cref="Socks5HandshakeOutcome.Connect"/>. Bytes the client sent after its request (early tunnel data)
/// remain unread in <see cref="IDuplexPipe.Input"/>.
/// </remarks>
public static class Socks5ServerHandshake
{
    private enum Stage
    {
        Greeting,
        Authentication,
        Request,
    }

    public static async ValueTask<Socks5HandshakeResult> AcceptAsync(
        IDuplexPipe client, Socks5ServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HandshakeTimeout);
        var token = timeout.Token;
        var stage = Stage.Greeting;
        try
        {
            var (status, greeting) = await MessageReader
                .ReadAsync<Socks5Greeting>(client.Input, Socks5Greeting.MaxLength, token).ConfigureAwait(false);
            if (status != MessageReadStatus.Message)
            {
                return await FailAsync(client.Output, stage, status, token).ConfigureAwait(false);
            }

            var method = ChooseMethod(greeting, options.Credentials);
            await WriteAsync(client.Output, new Socks5MethodSelection(method), token).ConfigureAwait(false);
            if (method == Socks5AuthMethod.NoAcceptableMethods)
            {
                return Socks5HandshakeResult.Failed(Socks5HandshakeOutcome.NoAcceptableMethod);
            }

            if (method == Socks5AuthMethod.UserNamePassword)
            {
                stage = Stage.Authentication;
                var (authStatus, auth) = await MessageReader
                    .ReadAsync<Socks5UserPassRequest>(client.Input, Socks5UserPassRequest.MaxLength, token)
                    .ConfigureAwait(false);
                if (authStatus != MessageReadStatus.Message)
                {
                    return await FailAsync(client.Output, stage, authStatus, token).ConfigureAwait(false);
                }

                var ok = options.Credentials!.Matches(auth.UserName, auth.Password);
                await WriteAsync(client.Output, new Socks5UserPassReply(ok ? (byte)0 : Socks5UserPassReply.FailureStatus), token)
                    .ConfigureAwait(false);
                if (!ok)
                {
                    return Socks5HandshakeResult.Failed(Socks5HandshakeOutcome.AuthenticationFailed);
                }
            }

            stage = Stage.Request;
            var (requestStatus, request) = await MessageReader
                .ReadAsync<Socks5Request>(client.Input, Socks5Request.MaxLength, token).ConfigureAwait(false);
            if (requestStatus != MessageReadStatus.Message)
            {
                return await FailAsync(client.Output, stage, requestStatus, token).ConfigureAwait(false);
            }

            if (request.Command != Socks5Command.Connect)
            {
                await TryAnswerAsync(client.Output, stage, Socks5ReplyCode.CommandNotSupported, token).ConfigureAwait(false);
                return Socks5HandshakeResult.Failed(Socks5HandshakeOutcome.CommandNotSupported);
            }

            return new Socks5HandshakeResult(Socks5HandshakeOutcome.Connect, request.Address.ToDialTarget(request.Port));
        }
        catch (Socks5Exception e)
        {
            await TryAnswerAsync(client.Output, stage, e.Reply, token).ConfigureAwait(false);
            return Socks5HandshakeResult.Failed(e.Reply switch
            {
                Socks5ReplyCode.CommandNotSupported => Socks5HandshakeOutcome.CommandNotSupported,
                Socks5ReplyCode.AddressTypeNotSupported => Socks5HandshakeOutcome.AddressTypeNotSupported,
                _ => Socks5HandshakeOutcome.Malformed,
            });
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Socks5HandshakeResult.Failed(Socks5HandshakeOutcome.TimedOut);
        }
    }

    /// <summary>
    /// Writes the RFC 1928 §6 reply that ends the handshake (after the dial) and flushes it.
    /// <paramref name="bound"/> becomes BND.ADDR/BND.PORT; null or a non-IP endpoint is sent as 0.0.0.0:0.
    /// Allocates nothing when the flush completes synchronously.
    /// </summary>
    public static ValueTask WriteReplyAsync(
        PipeWriter output, Socks5ReplyCode code, EndPoint? bound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        Socks5Reply.Write(output, code, bound);
        var flush = output.FlushAsync(cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            _ = flush.Result;
            return default;
        }

        return AwaitFlushAsync(flush);
    }

    private static async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush) => await flush.ConfigureAwait(false);

    private static Socks5AuthMethod ChooseMethod(in Socks5Greeting greeting, Socks5Credentials? credentials)
    {
        var wanted = credentials is null ? Socks5AuthMethod.NoAuthentication : Socks5AuthMethod.UserNamePassword;
        return greeting.Offers(wanted) ? wanted : Socks5AuthMethod.NoAcceptableMethods;
    }

    private static async ValueTask<Socks5HandshakeResult> FailAsync(
        PipeWriter output, Stage stage, MessageReadStatus status, CancellationToken token)
    {
        if (status == MessageReadStatus.PeerClosed && stage == Stage.Greeting)
        {
            return Socks5HandshakeResult.Failed(Socks5HandshakeOutcome.ClientClosed);
        }

        // Truncated or oversized: still answer, the client may have half-closed and be waiting to read.
        await TryAnswerAsync(output, stage, Socks5ReplyCode.GeneralFailure, token).ConfigureAwait(false);
        return Socks5HandshakeResult.Failed(Socks5HandshakeOutcome.Malformed);
    }

    /// <summary>Answers a failure in the vocabulary of the current stage; a peer that is gone is ignored.</summary>
    private static async ValueTask TryAnswerAsync(PipeWriter output, Stage stage, Socks5ReplyCode code, CancellationToken token)
    {
        try
        {
            switch (stage)
            {
                case Stage.Greeting:
                    await WriteAsync(output, new Socks5MethodSelection(Socks5AuthMethod.NoAcceptableMethods), token).ConfigureAwait(false);
                    break;
                case Stage.Authentication:
                    await WriteAsync(output, new Socks5UserPassReply(Socks5UserPassReply.FailureStatus), token).ConfigureAwait(false);
                    break;
                default:
                    await WriteReplyAsync(output, code, null, token).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException or ObjectDisposedException)
        {
            // The client is gone or stalled; the caller closes the connection either way.
        }
    }

    private static async ValueTask WriteAsync<T>(PipeWriter output, T message, CancellationToken token)
        where T : struct, IWireMessage<T>
    {
        message.Write(output);
        await output.FlushAsync(token).ConfigureAwait(false);
    }
}
