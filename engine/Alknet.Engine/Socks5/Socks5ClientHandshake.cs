using System.IO.Pipelines;
using System.Net;
using System.Text;
using Alknet.Engine.Dialing;

namespace Alknet.Engine.Socks5;

/// <summary>
/// The client side of RFC 1928 CONNECT, with optional RFC 1929 username/password, used to dial through an
/// upstream SOCKS5 proxy. Domain names are passed through unresolved (the upstream resolves them).
/// </summary>
/// <remarks>
/// Error mapping (every failure is a <see cref="DialException"/>):
/// <list type="bullet">
/// <item>the upstream's REP X'01'..X'08' is passed on unchanged (a denial X'02' stays X'02'); other REP
/// values become X'01';</item>
/// <item>the upstream accepts none of our methods (X'FF') or rejects our credentials: X'02' connection not
/// allowed. From the client's point of view the proxy chain refuses the connection by policy, and X'02' is
/// what an authorization failure at the upstream's ruleset would have produced;</item>
/// <item>the upstream picks a method we did not offer, breaks the protocol, or closes mid-handshake: X'01'.</item>
/// </list>
/// Only the upstream's own messages are consumed: bytes it sends after its reply stay in the pipe.
/// </remarks>
public static class Socks5ClientHandshake
{
    /// <summary>Runs the handshake for <paramref name="target"/> and returns the upstream's BND.ADDR/BND.PORT.</summary>
    public static async ValueTask<EndPoint> ConnectAsync(
        IDuplexPipe upstream, DialTarget target, NetworkCredential? credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        Socks5Address address;
        try
        {
            address = Socks5Address.FromHost(target.Host);
        }
        catch (ArgumentException e)
        {
            throw new DialException(Socks5ReplyCode.GeneralFailure, "The destination name is too long for SOCKS5.", e);
        }

        try
        {
            var greeting = credentials is null
                ? new Socks5Greeting([Socks5AuthMethod.NoAuthentication])
                : new Socks5Greeting([Socks5AuthMethod.NoAuthentication, Socks5AuthMethod.UserNamePassword]);
            greeting.Write(upstream.Output);
            await upstream.Output.FlushAsync(cancellationToken).ConfigureAwait(false);

            var selection = await ReadAsync<Socks5MethodSelection>(upstream.Input, Socks5MethodSelection.Length, cancellationToken)
                .ConfigureAwait(false);
            switch (selection.Method)
            {
                case Socks5AuthMethod.NoAuthentication:
                    break;
                case Socks5AuthMethod.UserNamePassword when credentials is not null:
                    await AuthenticateAsync(upstream, credentials, cancellationToken).ConfigureAwait(false);
                    break;
                case Socks5AuthMethod.NoAcceptableMethods:
                    throw new DialException(
                        Socks5ReplyCode.ConnectionNotAllowed, "The upstream SOCKS5 proxy accepted none of the offered authentication methods.");
                default:
                    throw new DialException(
                        Socks5ReplyCode.GeneralFailure, "The upstream SOCKS5 proxy selected an authentication method that was not offered.");
            }

            new Socks5Request(Socks5Command.Connect, address, target.Port).Write(upstream.Output);
            await upstream.Output.FlushAsync(cancellationToken).ConfigureAwait(false);

            var reply = await ReadAsync<Socks5Reply>(upstream.Input, Socks5Reply.MaxLength, cancellationToken).ConfigureAwait(false);
            if (reply.Code != Socks5ReplyCode.Succeeded)
            {
                var code = reply.Code is > Socks5ReplyCode.Succeeded and <= Socks5ReplyCode.AddressTypeNotSupported
                    ? reply.Code
                    : Socks5ReplyCode.GeneralFailure;
                throw new DialException(code, $"The upstream SOCKS5 proxy refused the request with reply code 0x{(byte)reply.Code:X2}.");
            }

            return reply.BoundAddress.ToEndPoint(reply.BoundPort);
        }
        catch (Socks5Exception e)
        {
            throw new DialException(Socks5ReplyCode.GeneralFailure, "The upstream SOCKS5 proxy violated the protocol.", e);
        }
        catch (IOException e)
        {
            throw new DialException(Socks5ReplyCode.GeneralFailure, "The connection to the upstream SOCKS5 proxy failed during the handshake.", e);
        }
    }

    private static async ValueTask AuthenticateAsync(IDuplexPipe upstream, NetworkCredential credentials, CancellationToken cancellationToken)
    {
        var user = Encoding.UTF8.GetBytes(credentials.UserName);
        var password = Encoding.UTF8.GetBytes(credentials.Password);
        if (user.Length is 0 or > Socks5UserPassRequest.MaxFieldLength || password.Length > Socks5UserPassRequest.MaxFieldLength)
        {
            throw new DialException(Socks5ReplyCode.GeneralFailure, "The upstream SOCKS5 credentials do not fit RFC 1929 (1..255 octets each).");
        }

        new Socks5UserPassRequest(user, password).Write(upstream.Output);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(password);
        await upstream.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        var status = await ReadAsync<Socks5UserPassReply>(upstream.Input, Socks5UserPassReply.Length, cancellationToken)
            .ConfigureAwait(false);
        if (!status.Succeeded)
        {
            throw new DialException(Socks5ReplyCode.ConnectionNotAllowed, "The upstream SOCKS5 proxy rejected the credentials.");
        }
    }

    private static async ValueTask<T> ReadAsync<T>(PipeReader input, int maxBytes, CancellationToken cancellationToken)
        where T : struct, IWireMessage<T>
    {
        var (status, value) = await MessageReader.ReadAsync<T>(input, maxBytes, cancellationToken).ConfigureAwait(false);
        return status == MessageReadStatus.Message
            ? value
            : throw new DialException(Socks5ReplyCode.GeneralFailure, "The upstream SOCKS5 proxy closed the connection during the handshake.");
    }
}
