using System.Net.Sockets;
using System.Security.Cryptography;
using Alknet.Interop.Tests.Peers;
using Alknet.Interop.Tests.Serve;
using Alknet.Interop.Tests.Socks;

namespace Alknet.Interop.Tests.Tunnel;

/// <summary>
/// <c>alknet connect</c> against <c>alknet serve</c>, both as processes, over one SSH session that carries the
/// SOCKS5 port, a -L forward and a -R forward (port 0, chosen by the server) at once. Targets are nginx and an echo
/// server on loopback; every transfer is checked byte for byte, and neither side may log where it went.
/// </summary>
[TestFixture]
public sealed class ConnectServeTests
{
    /// <summary>Bigger than the 16 MiB channel window between two Alknet peers plus every socket buffer on the way.</summary>
    private const string HugeFile = "huge.bin";
    private const int HugeFileBytes = 64 * 1024 * 1024;

    /// <summary>A name no resolver knows (RFC 6761 .invalid), distinctive enough that finding it in a log is a leak.</summary>
    private const string UnresolvableName = "unresolvable-tunnel-target-7c1e.invalid";

    private Nginx _nginx = null!;
    private EchoServer _echo = null!;
    private AlknetServe _serve = null!;
    private AlknetConnect _connect = null!;
    private string _hugeFileSha256 = "";
    private int _localForwardPort;
    private int _remoteForwardPort;
    private int _closedPort;

    [OneTimeSetUp]
    public async Task Start()
    {
        _nginx = await Nginx.StartAsync();
        var huge = TunnelTraffic.RandomBytes(HugeFileBytes);
        await File.WriteAllBytesAsync(Path.Combine(_nginx.Root, HugeFile), huge);
        _hugeFileSha256 = Convert.ToHexStringLower(SHA256.HashData(huge));
        _echo = EchoServer.Start();
        _closedPort = FreePort.Next();
        _serve = await AlknetServe.StartAsync([]);
        await _serve.WaitUntilListeningAsync();
        _localForwardPort = FreePort.Next();
        _connect = await AlknetConnect.StartAsync(_serve.Port, _serve.ClientKeyPath, _serve.WriteKnownHosts(),
            ["-L", $"{_localForwardPort}:127.0.0.1:{_echo.Port}", "-R", $"0:127.0.0.1:{_echo.Port}"], remoteForwards: 1);
        _remoteForwardPort = (await _connect.WaitForRemoteForwardPortsAsync())[0];
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_connect is not null) await _connect.DisposeAsync();
        if (_serve is not null) await _serve.DisposeAsync();
        if (_echo is not null) await _echo.DisposeAsync();
        if (_nginx is not null) await _nginx.DisposeAsync();
    }

    private string Logs() => _connect.Process.LogTail() + _serve.Process.LogTail();

    /// <summary>Neither side logged a destination of this fixture: nginx, the echo server, the closed port, the names used.</summary>
    private void AssertNoDestinationLogged()
    {
        string[] hosts = ["localhost", UnresolvableName];
        int[] ports = [_nginx.Port, _echo.Port, _closedPort];
        LogAssert.NoDestination(_connect.Process, hosts, ports);
        LogAssert.NoDestination(_serve.Process, hosts, ports);
    }

    [Test]
    public async Task Socks5_CurlBigFileByName_Sha256Matches()
    {
        var result = await Curl.FetchAsync(_nginx.Url(Nginx.BigFile, "localhost"), "--socks5-hostname", $"127.0.0.1:{_connect.SocksPort}");

        Assert.That(result.ExitCode, Is.Zero, result.StdErr + Logs());
        Assert.That(result.Sha256, Is.EqualTo(_nginx.BigFileSha256));
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task Socks5_ThirtyTwoConcurrentEchoes_EachGetsItsOwnBytesBack()
    {
        var payloads = Enumerable.Range(0, 32).Select(i => TunnelTraffic.RandomBytes(200_000 + (i * 4099))).ToArray();

        var echoed = await Task.WhenAll(payloads.Select(async payload =>
        {
            await using var probe = await TunnelTraffic.OpenAsync(_connect.SocksPort, "127.0.0.1", _echo.Port);
            return await TunnelTraffic.EchoAsync(probe.Socket, payload, halfClose: true);
        }));

        for (var i = 0; i < payloads.Length; i++)
        {
            TunnelTraffic.AssertSameBytes(payloads[i], echoed[i], $"connection {i}");
        }

        AssertNoDestinationLogged();
    }

    [Test]
    public async Task Socks5_ClientHalfCloses_EchoReturnsEverythingThenEof()
    {
        var payload = TunnelTraffic.RandomBytes(3 * 1024 * 1024 + 17);
        await using var probe = await TunnelTraffic.OpenAsync(_connect.SocksPort, "127.0.0.1", _echo.Port);

        // Everything is sent and the send side shut down before a single byte is read back.
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await TunnelTraffic.SendAllAsync(probe.Socket, payload, shutdownAfter: true, cts.Token);
        }

        using var read = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var echoed = await TunnelTraffic.ReadToEndAsync(probe.Socket, read.Token);

        TunnelTraffic.AssertSameBytes(payload, echoed, "half-closed echo");
        // The echo server records a connection when it has closed it, which can be a moment after our EOF arrived.
        var expected = (payload.LongLength, EchoServer.Checksum(payload));
        for (var i = 0; i < 100 && !_echo.Completed.Contains(expected); i++)
        {
            await Task.Delay(50);
        }

        Assert.That(_echo.Completed, Does.Contain(expected), "the echo server received every byte before the EOF");
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task LocalForward_EchoWithHalfClose_ReturnsEverything()
    {
        var payload = TunnelTraffic.RandomBytes(2 * 1024 * 1024 + 5);
        using var socket = await TunnelTraffic.ConnectAsync(_localForwardPort);

        var echoed = await TunnelTraffic.EchoAsync(socket, payload, halfClose: true);

        TunnelTraffic.AssertSameBytes(payload, echoed, "-L echo");
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task RemoteForwardPortZero_EchoWithHalfClose_ReturnsEverything()
    {
        var payload = TunnelTraffic.RandomBytes(2 * 1024 * 1024 + 11);
        // The server listens on the port it chose and logged back to connect; connections there come back through
        // the session as forwarded-tcpip channels and connect dials the echo server locally.
        using var socket = await TunnelTraffic.ConnectAsync(_remoteForwardPort);

        var echoed = await TunnelTraffic.EchoAsync(socket, payload, halfClose: true);

        TunnelTraffic.AssertSameBytes(payload, echoed, "-R echo");
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task Socks5_RefusedPort_Reply05WhileOtherTransferOnSessionCarriesOn()
    {
        var first = TunnelTraffic.RandomBytes(1024 * 1024);
        var second = TunnelTraffic.RandomBytes(1024 * 1024 + 3);
        await using var busy = await TunnelTraffic.OpenAsync(_connect.SocksPort, "127.0.0.1", _echo.Port);
        var firstBack = await TunnelTraffic.EchoAsync(busy.Socket, first, halfClose: false);

        var refused = await TunnelTraffic.ReplyCodeAsync(_connect.SocksPort, "127.0.0.1", _closedPort);

        Assert.That(refused, Is.EqualTo(TunnelTraffic.ReplyConnectionRefused), Logs());
        var secondBack = await TunnelTraffic.EchoAsync(busy.Socket, second, halfClose: true);
        TunnelTraffic.AssertSameBytes(first, firstBack, "before the refusal");
        TunnelTraffic.AssertSameBytes(second, secondBack, "after the refusal, same connection");
        await using var next = await TunnelTraffic.OpenAsync(_connect.SocksPort, "127.0.0.1", _echo.Port);
        var small = TunnelTraffic.RandomBytes(4096);
        TunnelTraffic.AssertSameBytes(small, await TunnelTraffic.EchoAsync(next.Socket, small, halfClose: true), "a new connection after the refusal");
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task Socks5_UnresolvableName_Reply04AndNameNotLogged()
    {
        var reply = await TunnelTraffic.ReplyCodeAsync(_connect.SocksPort, UnresolvableName, _echo.Port);

        Assert.That(reply, Is.EqualTo(TunnelTraffic.ReplyHostUnreachable), Logs());
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task SlowConsumer_NeverReadsHugeDownload_OtherTransferOnSessionCompletes()
    {
        await using var stalled = await TunnelTraffic.OpenAsync(_connect.SocksPort, "127.0.0.1", _nginx.Port);
        await TunnelTraffic.SendHttpGetAsync(stalled.Socket, "127.0.0.1", HugeFile);
        // The file is bigger than the channel window and every socket buffer on the way together, so once this
        // reader's queue stops growing the stalled channel's window is used up and the server has stopped sending it.
        await WaitUntilReceiveQueueStopsGrowingAsync(stalled.Socket);

        var result = await Curl.FetchAsync(_nginx.Url(Nginx.BigFile), "--socks5-hostname", $"127.0.0.1:{_connect.SocksPort}");

        Assert.That(result.ExitCode, Is.Zero, result.StdErr + Logs());
        Assert.That(result.Sha256, Is.EqualTo(_nginx.BigFileSha256), "the other channel's download while one channel is stalled");
        // The stalled reader now reads: backpressure must have lost nothing.
        var (status, sha, length) = await TunnelTraffic.ReadHttpResponseAsync(stalled.Socket);
        Assert.That(status, Does.Contain(" 200 "));
        Assert.That(length, Is.EqualTo(HugeFileBytes));
        Assert.That(sha, Is.EqualTo(_hugeFileSha256), "the stalled download, read at last");
        AssertNoDestinationLogged();
    }

    [Test]
    public async Task SlowTarget_NeverReadsUpload_OtherTransferOnSessionCompletes()
    {
        // The other direction: a target that accepts and never reads, so the upload backs up through serve's
        // channel window to this client, while a download on the same session must still go through.
        using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sink.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        sink.Listen();
        var sinkPort = ((System.Net.IPEndPoint)sink.LocalEndPoint!).Port;
        var accepted = sink.AcceptAsync();
        await using var upload = await TunnelTraffic.OpenAsync(_connect.SocksPort, "127.0.0.1", sinkPort);
        using var held = await accepted;
        using var stop = new CancellationTokenSource();
        var uploading = TunnelTraffic.SendAllAsync(upload.Socket, TunnelTraffic.RandomBytes(HugeFileBytes), shutdownAfter: false, stop.Token);

        var result = await Curl.FetchAsync(_nginx.Url(Nginx.BigFile), "--socks5-hostname", $"127.0.0.1:{_connect.SocksPort}");

        Assert.That(result.ExitCode, Is.Zero, result.StdErr + Logs());
        Assert.That(result.Sha256, Is.EqualTo(_nginx.BigFileSha256), "a download while another channel's upload is stuck");
        Assert.That(uploading.IsCompleted, Is.False, "premise: the upload is held back, the target has read nothing");
        await stop.CancelAsync();
        upload.Socket.Close(0);
        try
        {
            await uploading;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The upload was abandoned on purpose.
        }

        AssertNoDestinationLogged();
    }

    /// <summary>
    /// Polls the bytes waiting in the socket's receive queue until they stop growing: the download has then filled
    /// every buffer and window up to this reader, which has read nothing. The loop is bounded; a transfer that
    /// never settles only makes the test less strict, never hang.
    /// </summary>
    private static async Task WaitUntilReceiveQueueStopsGrowingAsync(Socket socket)
    {
        var last = -1;
        var steady = 0;
        for (var i = 0; i < 150 && steady < 5; i++)
        {
            await Task.Delay(200);
            var now = socket.Available;
            steady = now > 0 && now == last ? steady + 1 : 0;
            last = now;
        }

        Assert.That(last, Is.GreaterThan(0), "the download never started");
    }
}
