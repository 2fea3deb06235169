using Alknet.Ssh.Keys;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Transport;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Auth;

/// <summary>
/// Client side of RFC 4252: SERVICE_REQUEST, a "none" probe, then for each identity a publickey query and, after
/// PK_OK, the signed request. RSA keys sign with rsa-sha2-512 or rsa-sha2-256 as the server's server-sig-algs
/// allow (RFC 8332 §3.3). Banners are accepted at any time.
/// </summary>
internal static class UserAuthClient
{
    public static async Task<SshPublicKey> RunAsync(SshTransport t, SshClientOptions options, CancellationToken ct)
    {
        await t.WriteMessageAsync(new ServiceRequest(UserAuthServer.UserAuthService), ct).ConfigureAwait(false);
        var accept = await ReadAsync(t, options, ct).ConfigureAwait(false);
        if (accept.Span[0] != SshMessageNumbers.ServiceAccept)
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "expected SERVICE_ACCEPT, got message " + accept.Span[0]);
        if (ReadServiceAccept(accept.Span) != UserAuthServer.UserAuthService)
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "server accepted a different service");
        t.Phase = SshSessionPhase.Authentication;

        const string service = UserAuthServer.ConnectionService;
        await t.WriteMessageAsync(UserAuthRequest.None(options.User, service), ct).ConfigureAwait(false);
        var reply = await ReadAsync(t, options, ct).ConfigureAwait(false);
        if (reply.Span[0] == SshMessageNumbers.UserAuthSuccess)
            throw new SshProtocolException(SshDisconnectReason.ProtocolError, "server accepted authentication method none");
        ExpectFailure(reply.Span);

        foreach (var identity in options.Identities)
        {
            SshPublicKey publicKey = (SshPublicKey?)identity.Certificate ?? identity.Key.PublicKey;
            string alg = ChooseAlgorithm(identity, t.ServerSignatureAlgorithms);
            await t.WriteMessageAsync(UserAuthRequest.PublicKeyQuery(options.User, service, alg, publicKey.Blob), ct).ConfigureAwait(false);
            reply = await ReadAsync(t, options, ct).ConfigureAwait(false);
            if (reply.Span[0] == SshMessageNumbers.UserAuthFailure) continue;
            if (reply.Span[0] != SshMessageNumbers.UserAuthPkOk)
                SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "unexpected message " + reply.Span[0] + " after a publickey query");
            CheckPkOk(reply.Span, alg, publicKey.Blob.Span);

            var data = UserAuthRequest.SignedData(t.SessionId!, options.User, service, alg, publicKey.Blob.Span);
            var signature = identity.Key.Sign(SshKeyAlgorithms.SignatureAlgorithmOf(alg), data);
            await t.WriteMessageAsync(UserAuthRequest.PublicKeySigned(options.User, service, alg, publicKey.Blob, signature), ct).ConfigureAwait(false);
            reply = await ReadAsync(t, options, ct).ConfigureAwait(false);
            if (reply.Span[0] == SshMessageNumbers.UserAuthSuccess)
            {
                t.Phase = SshSessionPhase.Authenticated;
                return publicKey;
            }
            ExpectFailure(reply.Span);
        }
        throw new SshProtocolException(SshDisconnectReason.NoMoreAuthMethodsAvailable, "no identity was accepted by the server");
    }

    /// <summary>RFC 8332 §3.3: pick the RSA SHA-2 variant the server announced; others use their key type.</summary>
    internal static string ChooseAlgorithm(SshClientIdentity identity, IReadOnlyList<string>? serverSigAlgs)
    {
        var key = identity.Key.PublicKey;
        if (key.KeyType != SshKeyAlgorithms.Rsa)
            return identity.Certificate?.KeyType ?? key.KeyType;
        string sig = serverSigAlgs is not null && !serverSigAlgs.Contains(SshKeyAlgorithms.RsaSha512) && serverSigAlgs.Contains(SshKeyAlgorithms.RsaSha256)
            ? SshKeyAlgorithms.RsaSha256
            : SshKeyAlgorithms.RsaSha512;
        return identity.Certificate is null ? sig : sig + SshKeyAlgorithms.CertSuffix;
    }

    /// <summary>Reads the next auth-layer message, passing banners to the callback.</summary>
    private static async ValueTask<ReadOnlyMemory<byte>> ReadAsync(SshTransport t, SshClientOptions options, CancellationToken ct)
    {
        while (true)
        {
            var payload = await t.ReadMessageAsync(ct).ConfigureAwait(false);
            if (payload.Span[0] != SshMessageNumbers.UserAuthBanner) return payload;
            options.BannerReceived?.Invoke(ReadBanner(payload.Span));
        }
    }

    private static string ReadBanner(ReadOnlySpan<byte> payload)
    {
        var r = new SshReader(payload);
        UserAuthBanner.TryRead(ref r, out var b);
        return b.Message;
    }

    private static string ReadServiceAccept(ReadOnlySpan<byte> payload)
    {
        var r = new SshReader(payload);
        ServiceAccept.TryRead(ref r, out var m);
        return m.ServiceName;
    }

    private static void ExpectFailure(ReadOnlySpan<byte> payload)
    {
        var r = new SshReader(payload);
        if (!UserAuthFailure.TryRead(ref r, out _))
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "unexpected message " + payload[0] + " during authentication");
    }

    private static void CheckPkOk(ReadOnlySpan<byte> payload, string alg, ReadOnlySpan<byte> blob)
    {
        var r = new SshReader(payload);
        UserAuthPkOk.TryRead(ref r, out var ok);
        if (ok.Algorithm != alg || !ok.PublicKey.Span.SequenceEqual(blob))
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "PK_OK does not echo the queried key");
    }
}
