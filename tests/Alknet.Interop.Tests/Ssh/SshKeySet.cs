using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Ssh;

/// <summary>
/// The key material of one SSH interop fixture, all made by ssh-keygen: optionally a host key for every host key
/// algorithm family, user keys of each type, a user CA with a valid, an expired and a wrong-principal certificate,
/// and a key that nobody authorized.
/// </summary>
internal sealed class SshKeySet : IDisposable
{
    /// <summary>Host key files and the key types they hold, one per ECDSA curve so that each can be forced.</summary>
    private static readonly (string File, string Type, int? Bits)[] HostKeySpecs =
    [
        ("hk_ed25519", "ed25519", null),
        ("hk_ecdsa256", "ecdsa", 256),
        ("hk_ecdsa384", "ecdsa", 384),
        ("hk_ecdsa521", "ecdsa", 521),
        ("hk_rsa", "rsa", null),
    ];

    /// <summary>User key types: the file name suffix and ssh-keygen's -t.</summary>
    public static readonly string[] UserKeyTypes = ["ed25519", "ecdsa", "rsa"];

    private readonly PeerDirectory _dir;

    private SshKeySet(PeerDirectory dir, bool hostKeys)
    {
        _dir = dir;
        HostKeyPaths = hostKeys ? HostKeySpecs.Select(k => dir.FilePath(k.File)).ToArray() : [];
    }

    /// <summary>The name the clients log in as and the certificates' principal: the account running the tests.</summary>
    public static string User => Environment.UserName;

    public string Directory => _dir.Path;

    /// <summary>Private host key files (empty when created without host keys).</summary>
    public IReadOnlyList<string> HostKeyPaths { get; }

    /// <summary>The user CA's public key (a --cert-authority file, or sshd's TrustedUserCAKeys).</summary>
    public string CaPublicKeyPath => _dir.FilePath("user_ca.pub");

    /// <summary>A key whose certificate (…-cert.pub beside it) names <see cref="User"/> and is valid now.</summary>
    public string CertifiedKeyPath => _dir.FilePath("certified");

    /// <summary>A key whose certificate names <see cref="User"/> but expired an hour ago.</summary>
    public string ExpiredCertKeyPath => _dir.FilePath("expired");

    /// <summary>A key whose certificate is valid now but names only some other principal.</summary>
    public string OtherPrincipalCertKeyPath => _dir.FilePath("other_principal");

    /// <summary>A key that is neither in authorized_keys nor certified.</summary>
    public string StrangerKeyPath => _dir.FilePath("stranger");

    /// <summary>An authorized ed25519 key for the algorithm matrix, so the per-type user keys each log in once.</summary>
    public string SessionKeyPath => _dir.FilePath("session");

    /// <summary>The private key file of the user key of <paramref name="type"/> (one of <see cref="UserKeyTypes"/>).</summary>
    public string UserKeyPath(string type) => _dir.FilePath("user_" + type);

    /// <summary>authorized_keys lines for the session key and the user keys of every type (not the certified or stranger keys).</summary>
    public string AuthorizedKeysText =>
        SshKeygen.PublicKeyLine(SessionKeyPath + ".pub") + " session\n" +
        string.Concat(UserKeyTypes.Select(t => SshKeygen.PublicKeyLine(UserKeyPath(t) + ".pub") + " user_" + t + "\n"));

    public static async Task<SshKeySet> CreateAsync(bool hostKeys)
    {
        var dir = new PeerDirectory("ssh-keys");
        var set = new SshKeySet(dir, hostKeys);
        try
        {
            // Independent ssh-keygen runs: in parallel, RSA generation dominates.
            var keys = new List<Task>();
            if (hostKeys)
            {
                keys.AddRange(HostKeySpecs.Select(k => SshKeygen.GenerateAsync(dir.FilePath(k.File), k.Type, k.Bits)));
            }

            keys.AddRange(UserKeyTypes.Select(t => SshKeygen.GenerateAsync(set.UserKeyPath(t), t)));
            keys.Add(SshKeygen.GenerateAsync(set.SessionKeyPath, "ed25519"));
            keys.Add(SshKeygen.GenerateAsync(dir.FilePath("user_ca"), "ed25519"));
            keys.Add(SshKeygen.GenerateAsync(set.CertifiedKeyPath, "ed25519"));
            keys.Add(SshKeygen.GenerateAsync(set.ExpiredCertKeyPath, "ed25519"));
            keys.Add(SshKeygen.GenerateAsync(set.OtherPrincipalCertKeyPath, "ed25519"));
            keys.Add(SshKeygen.GenerateAsync(set.StrangerKeyPath, "ed25519"));
            await Task.WhenAll(keys).ConfigureAwait(false);

            var ca = dir.FilePath("user_ca");
            await SshKeygen.CertifyUserAsync(ca, set.CertifiedKeyPath, "certified", User, "-5m:+1h").ConfigureAwait(false);
            await SshKeygen.CertifyUserAsync(ca, set.ExpiredCertKeyPath, "expired", User, "-2h:-1h").ConfigureAwait(false);
            await SshKeygen.CertifyUserAsync(ca, set.OtherPrincipalCertKeyPath, "other-principal", "alknet-nobody", "-5m:+1h").ConfigureAwait(false);
            return set;
        }
        catch
        {
            set.Dispose();
            throw;
        }
    }

    /// <summary>Writes a known_hosts file with a line per host key for [127.0.0.1]:<paramref name="port"/>.</summary>
    public string WriteKnownHosts(string name, int port)
    {
        var lines = string.Concat(HostKeyPaths.Select(k => $"[127.0.0.1]:{port} {SshKeygen.PublicKeyLine(k + ".pub")}\n"));
        return _dir.WriteText(name, lines);
    }

    /// <summary>Writes <paramref name="content"/> to a file in the key directory and returns its path.</summary>
    public string WriteFile(string name, string content) => _dir.WriteText(name, content);

    public void Dispose() => _dir.Dispose();
}
