using Alknet.Ssh.Crypto;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Transport;
using Alknet.Ssh.Transport.KeyExchange;
using BenchmarkDotNet.Attributes;

namespace Alknet.Bench;

/// <summary>
/// One complete SSH handshake in memory, both roles in this process: version exchange, curve25519-sha256 key
/// exchange with an ssh-ed25519 host key, strict KEX and EXT_INFO, NEWKEYS, and publickey user authentication with
/// an ed25519 key (query, then the signed request). Handshakes per second = 1 / Mean.
/// </summary>
/// <remarks>
/// Baseline: the public-key cryptography such a handshake cannot avoid, done back to back on one thread: the X25519
/// key agreement (client ephemeral, server ephemeral and secret, client secret), the host key signature over the
/// exchange hash and its verification, and the user key signature and its verification. What the handshake costs
/// beyond it is messages, hashing, key derivation, cipher setup, pipes and thread hops.
/// </remarks>
[Config(typeof(BenchConfig))]
public class HandshakeBenchmarks
{
    private readonly byte[] _exchangeHash = new byte[32];
    private SshPrivateKey? _hostKey;
    private SshPrivateKey? _userKey;

    [GlobalSetup]
    public void Setup()
    {
        _hostKey = SshRig.HostKey;
        _userKey = SshRig.UserKey;
        System.Security.Cryptography.RandomNumberGenerator.Fill(_exchangeHash);
    }

    [Benchmark(Baseline = true, Description = "X25519 + 2 × (ed25519 sign + verify)")]
    public bool CryptographyOnly()
    {
        using var client = KeyExchangeMethod.Create(SshAlgorithmNames.Curve25519Sha256);
        using var server = KeyExchangeMethod.Create(SshAlgorithmNames.Curve25519Sha256);
        var qc = client.CreateClientEphemeral();
        var qs = server.ServerRespond(qc, out var k);
        var k2 = client.ClientComputeSecret(qs);
        var hostSignature = _hostKey!.Sign("ssh-ed25519", _exchangeHash);
        var userSignature = _userKey!.Sign("ssh-ed25519", _exchangeHash);
        return k.Length == k2.Length
            && _hostKey.PublicKey.Verify("ssh-ed25519", _exchangeHash, hostSignature)
            && _userKey.PublicKey.Verify("ssh-ed25519", _exchangeHash, userSignature);
    }

    [Benchmark(Description = "SSH handshake + publickey auth (aes128-gcm)")]
    public async Task Handshake()
    {
        var (client, server) = await SshRig.HandshakeAsync(SshRig.ClientOptions(PacketCiphers.Aes128Gcm), SshRig.ServerOptions(PacketCiphers.Aes128Gcm));
        await client.DisposeAsync();
        await server.DisposeAsync();
    }
}
