using System.Net;
using System.Text;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Transport;
using Alknet.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Alknet.Ssh.Auth;

/// <summary>The outcome of server-side user authentication.</summary>
internal sealed record UserAuthResult(string User, SshPublicKey Key, ForwardingPermissions Permissions);

/// <summary>
/// Server side of RFC 4252 with the publickey method only (§7): SERVICE_REQUEST ssh-userauth, "none" probes, publickey
/// queries answered with PK_OK only for keys the authorizer accepts, and signed requests verified over the session id
/// and authorized for exactly the key that signed. Attempts are bounded; each failure is logged as one line that
/// fail2ban can match.
/// </summary>
internal static class UserAuthServer
{
    public const string UserAuthService = "ssh-userauth";
    public const string ConnectionService = "ssh-connection";
    private static readonly string[] Methods = [UserAuthRequest.MethodPublicKey];

    public static async Task<UserAuthResult> RunAsync(SshTransport t, SshServerOptions options, EndPoint? remote, CancellationToken ct)
    {
        var peerIp = (remote as IPEndPoint)?.Address ?? IPAddress.None;
        string peer = remote?.ToString() ?? "unknown";
        var log = options.Logger;

        // RFC 4253 §10: the client asks for the user authentication service first.
        var first = await t.ReadMessageAsync(ct).ConfigureAwait(false);
        var service = ReadServiceRequest(first.Span);
        if (service != UserAuthService)
            throw new SshProtocolException(SshDisconnectReason.ServiceNotAvailable, "service not available");
        await t.WriteMessageAsync(new ServiceAccept(UserAuthService), ct).ConfigureAwait(false);
        if (options.Banner is { Length: > 0 } banner)
            await t.WriteMessageAsync(new UserAuthBanner(banner), ct).ConfigureAwait(false);

        string? boundUser = null, boundService = null;
        int failures = 0;
        bool firstNone = true;
        while (true)
        {
            var payload = await t.ReadMessageAsync(ct).ConfigureAwait(false);
            var request = ReadRequest(payload.Span);
            if (boundUser is null)
            {
                boundUser = request.User;
                boundService = request.Service;
            }
            else if (request.User != boundUser || request.Service != boundService)
            {
                // OpenSSH refuses a change of user or service between attempts (auth2.c).
                throw new SshProtocolException(SshDisconnectReason.ProtocolError, "change of user or service during authentication");
            }
            if (request.Service != ConnectionService)
                throw new SshProtocolException(SshDisconnectReason.ServiceNotAvailable, "service not available");

            string? failure;
            SshPublicKey? key = null;
            switch (request.Method)
            {
                case UserAuthRequest.MethodNone:
                    failure = firstNone ? null : "none";
                    firstNone = false;
                    break;
                case UserAuthRequest.MethodPublicKey:
                    (failure, key) = await PublicKeyAsync(t, request, options, peerIp, ct).ConfigureAwait(false);
                    if (failure is null && key is not null)
                    {
                        var decision = options.Authorizer.Authorize(request.User, key, peerIp, DateTimeOffset.UtcNow);
                        if (decision.Allowed)
                        {
                            await t.WriteMessageAsync(new UserAuthSuccess(), ct).ConfigureAwait(false);
                            t.Phase = SshSessionPhase.Authenticated;
                            if (log is not null && log.IsEnabled(LogLevel.Information))
                                log.LogInformation("{Line}", $"auth accepted peer={peer} user={Safe(request.User)} key={key.Fingerprint}");
                            return new UserAuthResult(request.User, key, decision.Permissions);
                        }
                        failure = decision.Reason;
                    }
                    else if (failure is null)
                    {
                        continue; // a query answered with PK_OK: not an attempt
                    }
                    break;
                default:
                    failure = "method " + Safe(request.Method) + " not supported";
                    break;
            }

            if (failure is not null)
            {
                failures++;
                string line = $"auth failed peer={peer} user={Safe(request.User)} key={key?.Fingerprint ?? "-"} reason={Safe(failure)}";
                options.AuthFailureLog?.Invoke(line);
                if (log is not null && log.IsEnabled(LogLevel.Warning)) log.LogWarning("{Line}", line);
            }
            if (failures >= options.MaxAuthTries)
                throw new SshProtocolException(SshDisconnectReason.NoMoreAuthMethodsAvailable, "too many authentication failures");
            await t.WriteMessageAsync(new UserAuthFailure(Methods), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Returns (null, key) for a verified signed request, (null, null) after answering a query with PK_OK, or a failure
    /// reason with the key when one was parsed.
    /// </summary>
    private static async ValueTask<(string? Failure, SshPublicKey? Key)> PublicKeyAsync(SshTransport t, UserAuthRequest request,
        SshServerOptions options, IPAddress peerIp, CancellationToken ct)
    {
        var alg = request.PublicKeyAlgorithm!;
        if (!SshAlgorithmNames.SupportedUserAuthAlgorithms.Contains(alg)) return ("algorithm " + Safe(alg) + " not accepted", null);
        SshPublicKey key;
        try { key = SshPublicKey.FromBlob(request.PublicKey.Span); }
        catch (FormatException) { return ("malformed key", null); }
        // The algorithm must fit the key: rsa-sha2-512 for ssh-rsa, the certificate's own names for a certificate.
        IReadOnlyList<string> algs = key is SshCertificate cert ? cert.PublicKeyAlgorithms : key.SignatureAlgorithms;
        if (!algs.Contains(alg)) return ("algorithm " + Safe(alg) + " does not match key type " + key.KeyType, key);

        if (!request.HasSignature)
        {
            var decision = options.Authorizer.Authorize(request.User, key, peerIp, DateTimeOffset.UtcNow);
            if (!decision.Allowed) return (decision.Reason, key);
            // RFC 4252 §7: echo the algorithm and blob exactly as received.
            await t.WriteMessageAsync(new UserAuthPkOk(alg, request.PublicKey), ct).ConfigureAwait(false);
            return (null, null);
        }

        // The signature's algorithm must be the request's (minus the certificate suffix), and it must verify under
        // the presented key over this session's id; only then is that key, and only that key, authorized.
        string sigAlg = SshKeyAlgorithms.SignatureAlgorithmOf(alg);
        if (!SshSignature.TryParse(request.Signature.Span, out var blobAlg, out _) || blobAlg != sigAlg)
            return ("signature algorithm does not match " + Safe(alg), key);
        var data = UserAuthRequest.SignedData(t.SessionId!, request.User, request.Service, alg, request.PublicKey.Span);
        if (!key.Verify(sigAlg, data, request.Signature.Span)) return ("signature does not verify", key);
        return (null, key);
    }

    private static string ReadServiceRequest(ReadOnlySpan<byte> payload)
    {
        var r = new SshReader(payload);
        if (!ServiceRequest.TryRead(ref r, out var m))
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "expected SERVICE_REQUEST, got message " + payload[0]);
        return m.ServiceName;
    }

    private static UserAuthRequest ReadRequest(ReadOnlySpan<byte> payload)
    {
        var r = new SshReader(payload);
        if (!UserAuthRequest.TryRead(ref r, out var m))
            SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "expected USERAUTH_REQUEST, got message " + payload[0]);
        return m;
    }

    /// <summary>Makes a peer-chosen string safe for a one-line log: no spaces, no control characters, bounded.</summary>
    internal static string Safe(string s)
    {
        var sb = new StringBuilder(Math.Min(s.Length, 64));
        foreach (char c in s)
        {
            if (sb.Length >= 64) { sb.Append('…'); break; }
            sb.Append(char.IsControl(c) || char.IsWhiteSpace(c) ? '?' : c);
        }
        return sb.Length == 0 ? "\"\"" : sb.ToString();
    }
}
