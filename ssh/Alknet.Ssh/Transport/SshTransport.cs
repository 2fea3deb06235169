using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Alknet.Engine.Buffers;
using Alknet.Ssh.Crypto;
using Alknet.Ssh.Keys;
using Alknet.Ssh.Messages;
using Alknet.Ssh.Transport.KeyExchange;
using Alknet.Ssh.Wire;
using Microsoft.Extensions.Logging;

namespace Alknet.Ssh.Transport;

/// <summary>
/// The SSH transport shared by client and server (RFC 4253): version exchange, binary packets, key exchange and
/// re-exchange, strict KEX, EXT_INFO, and the transport-generic messages. One reader (the session's read loop)
/// calls <see cref="ReadMessageAsync"/>; any number of writers call <see cref="WriteMessageAsync"/>.
/// Key exchange runs inside the read path, like Go's handshakeTransport: while it runs, outgoing messages of
/// higher layers are queued (bounded) and sent with the new keys.
/// </summary>
internal sealed partial class SshTransport : IAsyncDisposable
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly SshTransportOptions _options;
    private readonly bool _isServer;
    private readonly IReadOnlyList<SshPrivateKey> _hostKeys;
    private readonly IHostKeyVerifier? _verifier;
    private readonly PacketReader _reader;
    private readonly PacketWriter _writer;
    private readonly AsyncLock _writeLock = new(); // allocation-free when writers meet (see AsyncLock)
    private readonly ILogger? _log;
    private readonly Queue<byte[]> _pending = new();

    private byte[]? _localKexInit;
    private bool _kexInProgress;
    private bool _firstKexDone;
    private bool _strictKex;
    private bool _sendExtInfo;
    private int _extInfoReceived;
    private int _pendingBytes;
    private long _lastKexTicks = Environment.TickCount64;
    private TaskCompletionSource _kexDone = NewCompleted();
    private bool _closed;

    public SshTransport(IDuplexPipe pipe, SshTransportOptions options, bool isServer,
        IReadOnlyList<SshPrivateKey>? hostKeys = null, IHostKeyVerifier? verifier = null)
    {
        _input = pipe.Input;
        _output = pipe.Output;
        _options = options;
        _isServer = isServer;
        _hostKeys = hostKeys ?? [];
        _verifier = verifier;
        _log = options.Logger;
        _reader = new PacketReader(PacketCiphers.CreateNone());
        _writer = new PacketWriter(_output, PacketCiphers.CreateNone());
        if (isServer && _hostKeys.Count == 0) throw new ArgumentException("a server needs at least one host key", nameof(hostKeys));
        if (!isServer && verifier is null) throw new ArgumentNullException(nameof(verifier), "a client needs a host key verifier");
        options.Algorithms.Validate();
    }

    public bool IsServer => _isServer;
    public string LocalVersion { get; private set; } = "";
    public string RemoteVersion { get; private set; } = "";
    public byte[]? SessionId { get; private set; }
    public NegotiatedAlgorithms? Algorithms { get; private set; }

    /// <summary>The server's host key (client: the verified key; server: the key that signed).</summary>
    public SshPublicKey? HostKey { get; private set; }

    /// <summary>Completed key exchanges, the first included.</summary>
    public int KeyExchangeCount { get; private set; }

    public bool StrictKex => _strictKex;

    /// <summary>The sequence number of the packet most recently read (for SSH_MSG_UNIMPLEMENTED).</summary>
    public uint LastReceivedSequenceNumber => _reader.SequenceNumber - 1;
    public SshSessionPhase Phase { get; set; } = SshSessionPhase.KeyExchange;

    /// <summary>The server-sig-algs a server announced in EXT_INFO (RFC 8308 §3.1), or null.</summary>
    public IReadOnlyList<string>? ServerSignatureAlgorithms { get; private set; }

    /// <summary>Client EXT_INFO names received by a server (RFC 8308, OpenSSH ≥ 9.6).</summary>
    public IReadOnlyList<string>? PeerExtensions { get; private set; }

    /// <summary>Runs the version exchange and the first key exchange.</summary>
    public async ValueTask HandshakeAsync(CancellationToken ct)
    {
        LocalVersion = "SSH-2.0-" + _options.SoftwareVersion;
        await VersionExchange.WriteAsync(_output, LocalVersion, ct).ConfigureAwait(false);
        // RFC 4253 §7.1: KEXINIT may be sent right after the version line, without waiting for the peer's.
        await StartKeyExchangeAsync(ct).ConfigureAwait(false);
        RemoteVersion = await VersionExchange.ReadAsync(_input, _isServer, ct).ConfigureAwait(false);
        LogDebug("peer version " + Printable(RemoteVersion));
        while (!_firstKexDone)
            await ReadMessageCoreAsync(stopAfterKex: true, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Returns the next message for a higher layer. The payload is valid until the next call. Transport messages
    /// are handled here; messages not allowed in the current <see cref="Phase"/> raise a protocol error.
    /// </summary>
    public ValueTask<ReadOnlyMemory<byte>> ReadMessageAsync(CancellationToken ct) => ReadMessageCoreAsync(false, ct);

    // Pooled builders here and below: the read loop awaits these once per packet, and a plain async ValueTask method
    // allocates its state machine every time it has to wait for data (ChannelAllocationTests).
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlyMemory<byte>> ReadMessageCoreAsync(bool stopAfterKex, CancellationToken ct)
    {
        while (true)
        {
            var payload = await ReadPacketAsync(ct).ConfigureAwait(false);
            byte n = payload.Span[0];
            if (n == SshMessageNumbers.KexInit)
            {
                await RunKeyExchangeAsync(payload.ToArray(), ct).ConfigureAwait(false);
                if (stopAfterKex) return default;
                continue;
            }
            if (HandleGeneric(payload.Span)) continue;
            if (n == SshMessageNumbers.NewKeys || n is >= 30 and <= 49)
                SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "key exchange message " + n + " outside a key exchange");

            switch (MessageAllowList.Check(Phase, _isServer, n))
            {
                case MessageVerdict.Deliver:
                    if (!_kexInProgress && NeedsRekey())
                    {
                        await StartKeyExchangeAsync(ct).ConfigureAwait(false);
                        // The payload lives in the packet reader's buffer, which writing does not touch.
                    }
                    return payload;
                case MessageVerdict.Ignore:
                    continue;
                case MessageVerdict.Unimplemented:
                    await WriteMessageAsync(new Unimplemented(LastReceivedSequenceNumber), ct, waitWhenQueueFull: false).ConfigureAwait(false);
                    continue;
                default:
                    SshProtocolException.Throw(SshDisconnectReason.ProtocolError,
                        "message " + n + " not allowed " + (Phase switch
                        {
                            SshSessionPhase.KeyExchange => "during the first key exchange",
                            SshSessionPhase.Authentication => "before authentication",
                            _ => "after authentication",
                        }));
                    break;
            }
        }
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlyMemory<byte>> ReadPacketAsync(CancellationToken ct)
    {
        while (true)
        {
            var result = await _input.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            bool got;
            ReadOnlyMemory<byte> payload;
            try
            {
                got = _reader.TryRead(ref buffer, out payload);
            }
            catch
            {
                _input.AdvanceTo(buffer.Start);
                throw;
            }
            if (got)
            {
                _input.AdvanceTo(buffer.Start);
                return payload;
            }
            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
                throw new SshDisconnectedException(SshDisconnectReason.ConnectionLost, "connection closed", byPeer: false);
        }
    }

    /// <summary>Handles DISCONNECT, IGNORE, DEBUG, UNIMPLEMENTED and EXT_INFO. Returns false for anything else.</summary>
    private bool HandleGeneric(ReadOnlySpan<byte> payload)
    {
        var r = new SshReader(payload);
        switch (payload[0])
        {
            case SshMessageNumbers.Disconnect:
                Disconnect.TryRead(ref r, out var d);
                throw new SshDisconnectedException(d.Reason, Printable(d.Description), byPeer: true);
            case SshMessageNumbers.Ignore:
            case SshMessageNumbers.Debug:
                // Strict KEX: nothing but the key exchange before the first NEWKEYS (Terrapin, CVE-2023-48795).
                if (_strictKex && !_firstKexDone)
                    SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "message " + payload[0] + " during strict key exchange");
                if (payload[0] == SshMessageNumbers.Debug && Debug.TryRead(ref r, out var dbg))
                    LogDebug("peer debug message: " + Printable(dbg.Message));
                return true;
            case SshMessageNumbers.Unimplemented:
                if (_strictKex && !_firstKexDone)
                    SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "UNIMPLEMENTED during strict key exchange");
                Unimplemented.TryRead(ref r, out var u);
                LogDebug("peer did not implement our packet " + u.SequenceNumber);
                return true;
            case SshMessageNumbers.ExtInfo:
                {
                    if (!_firstKexDone)
                        SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "EXT_INFO before NEWKEYS");
                    ExtInfo.TryRead(ref r, out var info);
                    if (_isServer)
                    {
                        if (++_extInfoReceived > 1) SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "second EXT_INFO from client");
                        var names = new List<string>();
                        foreach (var kv in info.Extensions) names.Add(kv.Key);
                        PeerExtensions = names;
                    }
                    else
                    {
                        if (++_extInfoReceived > 2) SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "more than two EXT_INFO messages");
                        var algs = info.Get(ExtInfo.ServerSigAlgs);
                        if (algs is not null) ServerSignatureAlgorithms = algs.Split(',');
                    }
                    return true;
                }
            default:
                return false;
        }
    }

    /// <summary>Reads the next key exchange packet (30–49 or NEWKEYS); generic transport messages are handled.</summary>
    private async ValueTask<ReadOnlyMemory<byte>> ReadKexPacketAsync(byte expected, CancellationToken ct)
    {
        while (true)
        {
            var payload = await ReadPacketAsync(ct).ConfigureAwait(false);
            if (HandleGeneric(payload.Span)) continue;
            if (payload.Span[0] != expected)
                SshProtocolException.Throw(SshDisconnectReason.ProtocolError,
                    "unexpected message " + payload.Span[0] + " during key exchange (expected " + expected + ")");
            return payload;
        }
    }

    private bool NeedsRekey()
    {
        long limit = Math.Min(_options.RekeyBytes, 1L << 36); // AES: rekey well before 2^32 blocks (RFC 4344 §3.1)
        return _writer.BytesSinceKeyChange >= limit || _reader.BytesSinceKeyChange >= limit
            || _writer.PacketsSinceKeyChange >= 1L << 31 || _reader.PacketsSinceKeyChange >= 1L << 31
            || Environment.TickCount64 - _lastKexTicks >= (long)_options.RekeyInterval.TotalMilliseconds;
    }

    /// <summary>Starts a key re-exchange now (no-op while one runs). Completes when our KEXINIT is sent.</summary>
    public async ValueTask StartKeyExchangeAsync(CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ThrowIfClosed();
            if (_localKexInit is not null) return;
            StartKeyExchangeLocked();
            FlushNoWaitLocked();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void StartKeyExchangeLocked()
    {
        var kex = new List<string>(_options.Algorithms.KeyExchange);
        if (!_firstKexDone)
        {
            // Markers go in the first KEXINIT only (RFC 8308 §2.1, OpenSSH PROTOCOL strict kex).
            kex.Add(_isServer ? SshAlgorithmNames.ExtInfoServer : SshAlgorithmNames.ExtInfoClient);
            kex.Add(_isServer ? SshAlgorithmNames.StrictKexServer : SshAlgorithmNames.StrictKexClient);
        }
        var hostKeyAlgs = new List<string>();
        foreach (var alg in _options.Algorithms.HostKey)
        {
            if (!_isServer) { hostKeyAlgs.Add(alg); continue; }
            foreach (var key in _hostKeys)
                if (key.PublicKey.SignatureAlgorithms.Contains(alg)) { hostKeyAlgs.Add(alg); break; }
        }
        var cookie = new byte[KexInit.CookieLength];
        RandomNumberGenerator.Fill(cookie);
        string[] ciphers = [.. _options.Algorithms.Ciphers];
        string[] macs = [.. _options.Algorithms.Macs];
        var msg = new KexInit
        {
            Cookie = cookie,
            KexAlgorithms = [.. kex],
            ServerHostKeyAlgorithms = [.. hostKeyAlgs],
            CiphersClientToServer = ciphers,
            CiphersServerToClient = ciphers,
            MacsClientToServer = macs,
            MacsServerToClient = macs,
        };
        _localKexInit = Serialize(msg);
        _kexInProgress = true;
        if (_kexDone.Task.IsCompleted) _kexDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        WritePayloadLocked(_localKexInit);
    }

    private async ValueTask RunKeyExchangeAsync(byte[] peerKexInitBytes, CancellationToken ct)
    {
        var peer = ParseKexInit(peerKexInitBytes);
        if (!_firstKexDone)
        {
            _strictKex = peer.KexAlgorithms.Contains(_isServer ? SshAlgorithmNames.StrictKexClient : SshAlgorithmNames.StrictKexServer);
            if (_strictKex && _reader.SequenceNumber != 1)
                SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "strict key exchange: KEXINIT was not the first packet");
            if (_isServer) _sendExtInfo = peer.KexAlgorithms.Contains(SshAlgorithmNames.ExtInfoClient);
        }
        if (_localKexInit is null) await StartKeyExchangeAsync(ct).ConfigureAwait(false);
        var localBytes = _localKexInit!;
        var local = ParseKexInit(localBytes);
        var (clientInit, serverInit) = _isServer ? (peer, local) : (local, peer);
        var (ic, isv) = _isServer ? (peerKexInitBytes, localBytes) : (localBytes, peerKexInitBytes);
        var (vc, vs) = _isServer ? (RemoteVersion, LocalVersion) : (LocalVersion, RemoteVersion);
        var alg = NegotiatedAlgorithms.Negotiate(clientInit, serverInit);

        // RFC 4253 §7: a wrongly guessed first kex packet from the peer is silently dropped.
        if (peer.FirstKexPacketFollows && (peer.KexAlgorithms.Length == 0 || peer.ServerHostKeyAlgorithms.Length == 0
            || peer.KexAlgorithms[0] != alg.KeyExchange || peer.ServerHostKeyAlgorithms[0] != alg.HostKey))
            await ReadKexPacketAsync(_isServer ? SshMessageNumbers.KexEcdhInit : SshMessageNumbers.KexEcdhReply, ct).ConfigureAwait(false);

        using var method = KeyExchangeMethod.Create(alg.KeyExchange);
        byte[] h, k;
        if (_isServer)
        {
            var initPayload = await ReadKexPacketAsync(SshMessageNumbers.KexEcdhInit, ct).ConfigureAwait(false);
            var qc = ParseInit(initPayload.Span, method.UsesMpintEphemerals);
            SshPrivateKey? hostKey = null;
            foreach (var key in _hostKeys)
                if (key.PublicKey.SignatureAlgorithms.Contains(alg.HostKey)) { hostKey = key; break; }
            if (hostKey is null) throw new SshProtocolException(SshDisconnectReason.KeyExchangeFailed, "no host key for " + alg.HostKey);
            var qs = method.ServerRespond(qc, out k);
            var ks = hostKey.PublicKey.Blob;
            h = ExchangeHash(method, vc, vs, ic, isv, ks.Span, qc, qs, k);
            var signature = hostKey.Sign(alg.HostKey, h);
            HostKey = hostKey.PublicKey;
            if (method.UsesMpintEphemerals) await WriteMessageAsync(new KexDhReply(ks, qs, signature), ct).ConfigureAwait(false);
            else await WriteMessageAsync(new KexEcdhReply(ks, qs, signature), ct).ConfigureAwait(false);
        }
        else
        {
            var qc = method.CreateClientEphemeral();
            if (method.UsesMpintEphemerals) await WriteMessageAsync(new KexDhInit(qc), ct).ConfigureAwait(false);
            else await WriteMessageAsync(new KexEcdhInit(qc), ct).ConfigureAwait(false);
            var replyPayload = await ReadKexPacketAsync(SshMessageNumbers.KexEcdhReply, ct).ConfigureAwait(false);
            var (ks, qs, signature) = ParseReply(replyPayload.Span, method.UsesMpintEphemerals);
            k = method.ClientComputeSecret(qs);
            h = ExchangeHash(method, vc, vs, ic, isv, ks, qc, qs, k);
            SshPublicKey key;
            try { key = SshPublicKey.FromBlob(ks); }
            catch (FormatException e) { throw new SshProtocolException(SshDisconnectReason.KeyExchangeFailed, "malformed host key", e); }
            if (!key.SignatureAlgorithms.Contains(alg.HostKey))
                SshProtocolException.Throw(SshDisconnectReason.KeyExchangeFailed, "host key type " + key.KeyType + " does not match " + alg.HostKey);
            if (!key.Verify(alg.HostKey, h, signature))
                SshProtocolException.Throw(SshDisconnectReason.KeyExchangeFailed, "host key signature does not verify");
            if (!_firstKexDone)
            {
                if (!await _verifier!.VerifyAsync(key, ct).ConfigureAwait(false))
                    throw new SshProtocolException(SshDisconnectReason.HostKeyNotVerifiable, "host key " + key.Fingerprint + " not accepted");
                HostKey = key;
            }
            else if (!key.BlobEquals(HostKey!))
            {
                SshProtocolException.Throw(SshDisconnectReason.KeyExchangeFailed, "host key changed during key re-exchange");
            }
        }

        SessionId ??= h;
        var hash = method.Hash;
        IPacketCipher c2s = CreateCipher(hash, k, h, alg.CipherClientToServer, alg.MacClientToServer, 'A', 'C', 'E');
        IPacketCipher s2c = CreateCipher(hash, k, h, alg.CipherServerToClient, alg.MacServerToClient, 'B', 'D', 'F');
        CryptographicOperations.ZeroMemory(k);
        var (outgoing, incoming) = _isServer ? (s2c, c2s) : (c2s, s2c);

        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ThrowIfClosed();
            WriteMessageLocked(new NewKeys());
            _writer.SetCipher(outgoing, _strictKex);
            if (_isServer && _sendExtInfo && !_firstKexDone)
            {
                // RFC 8308 §2.4: right after the server's first NEWKEYS. Without server-sig-algs OpenSSH clients
                // do not use RSA SHA-2 signatures for user keys.
                var value = System.Text.Encoding.ASCII.GetBytes(string.Join(',', SshAlgorithmNames.SupportedHostKeyAlgorithms));
                WriteMessageLocked(new ExtInfo([new(ExtInfo.ServerSigAlgs, value)]));
            }
            FlushNoWaitLocked();
        }
        finally
        {
            _writeLock.Release();
        }

        var newKeys = await ReadKexPacketAsync(SshMessageNumbers.NewKeys, ct).ConfigureAwait(false);
        CheckNewKeys(newKeys.Span);
        _reader.SetCipher(incoming, _strictKex);

        Algorithms = alg;
        _firstKexDone = true;
        if (Phase == SshSessionPhase.KeyExchange) Phase = SshSessionPhase.Authentication;
        KeyExchangeCount++;
        _lastKexTicks = Environment.TickCount64;
        LogDebug("key exchange " + KeyExchangeCount + " done: " + alg);

        TaskCompletionSource done;
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            _localKexInit = null;
            _kexInProgress = false;
            while (_pending.TryDequeue(out var queued)) WritePayloadLocked(queued);
            _pendingBytes = 0;
            done = _kexDone;
            // What was queued during the exchange may be more than the output takes before its flush waits for the
            // peer; this is the read loop, so it must not wait (see SshTransport.Flush.cs).
            if (!_closed) FlushNoWaitLocked();
        }
        finally
        {
            _writeLock.Release();
        }
        done.TrySetResult();
    }

    private static void CheckNewKeys(ReadOnlySpan<byte> payload)
    {
        var r = new SshReader(payload);
        NewKeys.TryRead(ref r, out _);
    }

    /// <summary>RFC 4253 §7.2: IV, key and MAC key of one direction from letters A–F.</summary>
    private IPacketCipher CreateCipher(HashAlgorithmName hash, byte[] k, byte[] h, string cipher, string? mac, char ivLetter, char keyLetter, char macLetter)
    {
        var sid = SessionId!;
        var iv = KeyDerivation.Derive(hash, k, h, ivLetter, sid, PacketCiphers.IvLength(cipher));
        var key = KeyDerivation.Derive(hash, k, h, keyLetter, sid, PacketCiphers.KeyLength(cipher));
        var macKey = mac is null ? [] : KeyDerivation.Derive(hash, k, h, macLetter, sid, PacketCiphers.MacKeyLength(mac));
        try
        {
            return PacketCiphers.Create(cipher, mac, key, iv, macKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(iv);
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(macKey);
        }
    }

    /// <summary>
    /// Writes a message. While a key exchange runs, messages other than transport messages (1–49 except 5, 6, 7)
    /// are queued and sent after NEWKEYS; when the queue is over its bound the caller waits for the exchange to end
    /// (or, for the read loop, which must not wait, the session fails).
    /// </summary>
    /// <param name="payloadCapacity">The most the message can take; the packet reserves that much in the output.
    /// Small messages of the data path (WINDOW_ADJUST, EOF, CLOSE) pass a small figure so that they go into the
    /// output's current block instead of making it start a new one.</param>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteMessageAsync<T>(T message, CancellationToken ct, bool waitWhenQueueFull = true, int payloadCapacity = PacketWriter.MaxPayload)
        where T : ISshMessage
    {
        Task? wait = null;
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ThrowIfClosed();
            if (WriteMessageLocked(message, payloadCapacity))
            {
                if (_firstKexDone && !_kexInProgress && NeedsRekey()) StartKeyExchangeLocked();
                // Control messages never wait on the socket (see SshTransport.Flush.cs); only channel data does.
                FlushSoonLocked();
            }
            else if (_pendingBytes > _options.MaxQueuedBytesDuringKex)
            {
                // The read loop must not wait (it is what finishes the exchange), and channel data from other
                // writers may already have filled the bound; its replies are small and one per incoming message,
                // so they get headroom, and only a peer that floods requests during a key exchange hits the wall.
                if (!waitWhenQueueFull)
                {
                    if (_pendingBytes > 4L * _options.MaxQueuedBytesDuringKex)
                        SshProtocolException.Throw(SshDisconnectReason.ProtocolError, "too many messages queued during key exchange");
                }
                else
                {
                    wait = _kexDone.Task;
                }
            }
        }
        finally
        {
            _writeLock.Release();
        }
        if (wait is not null) await wait.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <paramref name="data"/> as CHANNEL_DATA packets of at most <paramref name="maxChunk"/> data bytes each,
    /// under one lock and with one flush: a relay read of many kilobytes becomes one batch of packets and one send.
    /// The caller has already taken the bytes from the peer's window. A channel's send pump does the same inline,
    /// from its own long-lived loop, which needs no state machine per batch (see <see cref="WriteLock"/>).
    /// </summary>
    public async ValueTask WriteChannelDataAsync(uint recipientChannel, ReadOnlySequence<byte> data, int maxChunk, CancellationToken ct)
    {
        await _dataWriters.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            bool owned;
            ValueTask<FlushResult> flush;
            Task? wait;
            await _writeLock.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                owned = WriteChannelDataLocked(recipientChannel, data, maxChunk, out flush, out wait);
            }
            finally
            {
                _writeLock.Release();
            }
            if (owned) await AwaitOwnedFlushAsync(flush).ConfigureAwait(false);
            if (wait is not null) await wait.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _dataWriters.Release();
        }
    }

    /// <summary>
    /// The session's write lock. Channel data writers take <see cref="DataWriters"/> first, then this around
    /// <see cref="WriteChannelDataLocked"/>, and await an owned flush after releasing it.
    /// </summary>
    /// <remarks>
    /// An async method awaited per batch costs a state machine whenever it has to wait (for the lock or the
    /// socket), and with several channels busy at once the pooled builders' caches run dry (about 60 B per
    /// CHANNEL_DATA packet with four channels both ways). A channel's pump and adjust loop are single long-lived
    /// async methods, so awaiting the locks and the flush there directly allocates nothing.
    /// </remarks>
    internal AsyncLock WriteLock => _writeLock;

    /// <summary>One channel data writer at a time: the one whose flush is paused holds it (see SshTransport.Flush.cs).</summary>
    internal AsyncLock DataWriters => _dataWriters;

    /// <summary>
    /// Under <see cref="WriteLock"/> (and <see cref="DataWriters"/>): writes <paramref name="data"/> as CHANNEL_DATA
    /// packets (or queues them while a key exchange runs), starts a rekey when one is due, and flushes. Returns true
    /// when the flush has to wait for the socket: the caller then owns it and, after releasing the write lock, awaits
    /// <paramref name="flush"/> and calls <see cref="ContinueOwnedFlushLocked"/> under the lock until it returns false.
    /// <paramref name="wait"/> is set when the caller must wait before writing more: the key exchange queue is over its
    /// bound, or a background flush holds the output.
    /// </summary>
    internal bool WriteChannelDataLocked(uint recipientChannel, ReadOnlySequence<byte> data, int maxChunk, out ValueTask<FlushResult> flush, out Task? wait)
    {
        wait = null;
        flush = default;
        ThrowIfClosed();
        bool written = false;
        // Each packet fits in one pool block (32 KiB, the output pipe's segment size): at most 0.3% more
        // packets than cutting at the peer's 32 KiB maximum, but no packet spills into an array-pool segment.
        int perPacket = Math.Min(maxChunk, _writer.PayloadFitting(PinnedBlockMemoryPool.DefaultBlockSize) - ChannelData.Overhead);
        while (!data.IsEmpty)
        {
            var chunk = data.Slice(0, Math.Min(data.Length, perPacket));
            written |= WriteMessageLocked(new ChannelData(recipientChannel, chunk), ChannelData.Overhead + (int)chunk.Length);
            data = data.Slice(chunk.End);
        }
        if (!written)
        {
            if (_pendingBytes > _options.MaxQueuedBytesDuringKex) wait = _kexDone.Task;
            return false;
        }
        if (_firstKexDone && !_kexInProgress && NeedsRekey()) StartKeyExchangeLocked();
        if (_flushInFlight)
        {
            // Only a background flush can be in flight here (data writers take turns): it publishes these bytes too,
            // and this writer waits for it, so data still feels the socket's backpressure.
            _unflushed = true;
            wait = _backgroundFlush;
            return false;
        }
        return TryStartOwnedFlushLocked(out flush);
    }

    /// <summary>
    /// Under <see cref="WriteLock"/>: one small message of the data path (WINDOW_ADJUST, EOF, CLOSE), which reserves only
    /// 64 bytes so that it shares the output's current block. It never waits for the socket.
    /// <paramref name="kexWait"/> is set when the key exchange queue is over its bound.
    /// </summary>
    internal void WriteSmallLocked<T>(in T message, out Task? kexWait) where T : ISshMessage
    {
        kexWait = null;
        ThrowIfClosed();
        if (WriteMessageLocked(message, SshSession.SmallMessageCapacity))
        {
            if (_firstKexDone && !_kexInProgress && NeedsRekey()) StartKeyExchangeLocked();
            FlushSoonLocked();
        }
        else if (_pendingBytes > _options.MaxQueuedBytesDuringKex)
        {
            kexWait = _kexDone.Task;
        }
    }

    /// <summary>Writes without flushing; returns false when the message was queued because a key exchange runs.</summary>
    private bool WriteMessageLocked<T>(in T message, int payloadCapacity = PacketWriter.MaxPayload) where T : ISshMessage
    {
        var w = new SshWriter(_writer.BeginPacket(payloadCapacity));
        try
        {
            message.Write(ref w);
            w.Commit();
        }
        catch
        {
            _writer.AbortPacket();
            throw;
        }
        byte n = _writer.PendingPayload[0];
        if (_kexInProgress && !(n is >= 1 and <= 49 and not (5 or 6 or 7)))
        {
            var copy = _writer.PendingPayload.ToArray();
            _writer.AbortPacket();
            _pending.Enqueue(copy);
            _pendingBytes += copy.Length;
            return false;
        }
        _writer.EndPacket();
        return true;
    }

    private void WritePayloadLocked(ReadOnlySpan<byte> payload)
    {
        var buffer = _writer.BeginPacket(payload.Length);
        payload.CopyTo(buffer.GetSpan(payload.Length));
        buffer.Advance(payload.Length);
        _writer.EndPacket();
    }

    /// <summary>Sends DISCONNECT (best effort) and closes the output. Safe to call more than once.</summary>
    public async ValueTask DisconnectAsync(SshDisconnectReason reason, string description, CancellationToken cancellationToken = default)
    {
        // A peer that does not read must not hold us here: the goodbye is best effort and bounded.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(TimeSpan.FromSeconds(5));
        var ct = bounded.Token;
        try
        {
            await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            if (_closed) return;
            _closed = true;
            _kexInProgress = false; // DISCONNECT is always allowed
            WriteMessageLocked(new Disconnect(reason, description));
            // With a flush in flight the pipe takes no second one; completing the output below publishes it anyway.
            if (!_flushInFlight) await _output.FlushAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            LogDebug("could not send DISCONNECT: " + e.Message);
        }
        finally
        {
            _writeLock.Release();
            _kexDone.TrySetResult();
        }
        await _output.CompleteAsync().ConfigureAwait(false);
    }

    private void ThrowIfClosed()
    {
        if (_closed) throw new SshDisconnectedException(SshDisconnectReason.ByApplication, "session closed", byPeer: false);
    }

    public async ValueTask DisposeAsync()
    {
        _closed = true;
        _kexDone.TrySetResult();
        // A writer stuck in a flush (peer not reading) holds the lock: release it before taking the lock.
        _output.CancelPendingFlush();
        await _input.CompleteAsync().ConfigureAwait(false);
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _output.CompleteAsync().ConfigureAwait(false);
            _reader.Dispose();
            _writer.Dispose();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static KexInit ParseKexInit(byte[] payload)
    {
        var r = new SshReader(payload);
        KexInit.TryRead(ref r, out var msg);
        return msg;
    }

    private static byte[] ParseInit(ReadOnlySpan<byte> payload, bool dh)
    {
        var r = new SshReader(payload);
        if (dh)
        {
            KexDhInit.TryRead(ref r, out var m);
            return m.E.ToArray();
        }
        KexEcdhInit.TryRead(ref r, out var e);
        return e.ClientEphemeralKey.ToArray();
    }

    private static (byte[] HostKey, byte[] Ephemeral, byte[] Signature) ParseReply(ReadOnlySpan<byte> payload, bool dh)
    {
        var r = new SshReader(payload);
        if (dh)
        {
            KexDhReply.TryRead(ref r, out var m);
            return (m.HostKey.ToArray(), m.F.ToArray(), m.Signature.ToArray());
        }
        KexEcdhReply.TryRead(ref r, out var e);
        return (e.HostKey.ToArray(), e.ServerEphemeralKey.ToArray(), e.Signature.ToArray());
    }

    /// <summary>
    /// RFC 4253 §8 / RFC 5656 §4 / RFC 8731 §3: H = HASH(string V_C ‖ string V_S ‖ string I_C ‖ string I_S ‖ string K_S ‖
    /// Q_C ‖ Q_S ‖ mpint K), where Q_C and Q_S are strings for ECDH and mpints (e, f) for classic DH.
    /// </summary>
    internal static byte[] ExchangeHash(KeyExchangeMethod method, string vc, string vs, ReadOnlySpan<byte> ic, ReadOnlySpan<byte> isv,
        ReadOnlySpan<byte> ks, ReadOnlySpan<byte> qc, ReadOnlySpan<byte> qs, ReadOnlySpan<byte> k)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        var w = new SshWriter(buffer);
        w.WriteString(vc);
        w.WriteString(vs);
        w.WriteString(ic);
        w.WriteString(isv);
        w.WriteString(ks);
        if (method.UsesMpintEphemerals)
        {
            w.WriteMpintUnsigned(qc);
            w.WriteMpintUnsigned(qs);
        }
        else
        {
            w.WriteString(qc);
            w.WriteString(qs);
        }
        w.WriteMpintUnsigned(k);
        w.Commit();
        using var h = IncrementalHash.CreateHash(method.Hash);
        h.AppendData(buffer.WrittenSpan);
        return h.GetHashAndReset();
    }

    private static byte[] Serialize<T>(in T message) where T : ISshMessage
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        var w = new SshWriter(buffer);
        message.Write(ref w);
        w.Commit();
        return buffer.WrittenSpan.ToArray();
    }

    private static TaskCompletionSource NewCompleted()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.SetResult();
        return tcs;
    }

    private void LogDebug(string message)
    {
        if (_log is not null && _log.IsEnabled(LogLevel.Debug)) _log.LogDebug("{Message}", message);
    }

    internal static string Printable(string s)
    {
        var chars = s.Length > 200 ? s[..200].ToCharArray() : s.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
            if (char.IsControl(chars[i])) chars[i] = '?';
        return new string(chars);
    }
}
