using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Alknet.Interop.Tests.Socks;

namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// The launchers themselves work: each peer starts on its port, does its job for a reference client (curl, ssh,
/// a raw SOCKS5 probe) and is gone after dispose. If these fail, failures elsewhere say nothing about alknet.
/// </summary>
[TestFixture]
public sealed class PeerLaunchersTests
{
    private Nginx _nginx = null!;

    [OneTimeSetUp]
    public async Task StartTarget() => _nginx = await Nginx.StartAsync();

    [OneTimeTearDown]
    public async Task StopTarget() => await _nginx.DisposeAsync();

    [Test]
    public async Task Nginx_Started_ServesBigFileWithAdvertisedHash()
    {
        var result = await Curl.FetchAsync(_nginx.Url(Nginx.BigFile));

        Assert.That(result.ExitCode, Is.Zero, result.StdErr);
        Assert.That(result.Sha256, Is.EqualTo(_nginx.BigFileSha256));
    }

    [Test]
    public async Task Dante_NoAuth_RelaysCurlToNginx()
    {
        await using var dante = await Dante.StartAsync();

        var result = await Curl.FetchAsync(_nginx.Url(Nginx.BigFile), "--socks5-hostname", $"127.0.0.1:{dante.Port}");

        Assert.That(result.ExitCode, Is.Zero, result.StdErr + dante.Process.LogTail());
        Assert.That(result.Sha256, Is.EqualTo(_nginx.BigFileSha256));
    }

    [Test]
    public async Task Dante_UsernameMethod_AcceptsSystemUserAndRejectsWrongPassword()
    {
        await using var dante = await Dante.StartAsync(DanteAuth.Username);

        await using (var good = await Socks5Probe.ConnectAsync(dante.Port))
        {
            Assert.That(await good.GreetAsync(Socks5Probe.MethodUserPass), Is.EqualTo(Socks5Probe.MethodUserPass));
            Assert.That(await good.AuthenticateAsync(dante.User!, dante.Password!), Is.Zero, dante.Process.LogTail());
            Assert.That(await good.RequestAsync(Socks5Probe.CommandConnect, IPAddress.Loopback, _nginx.Port), Is.Zero);
        }

        await using var bad = await Socks5Probe.ConnectAsync(dante.Port);
        Assert.That(await bad.GreetAsync(Socks5Probe.MethodUserPass), Is.EqualTo(Socks5Probe.MethodUserPass));
        Assert.That(await bad.AuthenticateAsync(dante.User!, "wrong-" + dante.Password), Is.Not.Zero);
    }

    [Test]
    public async Task Dante_BlockRule_RepliesConnectionNotAllowed()
    {
        await using var echo = EchoServer.Start();
        await using var dante = await Dante.StartAsync(blockedPort: echo.Port);
        await using var probe = await Socks5Probe.ConnectAsync(dante.Port);
        await probe.NegotiateAsync();

        var reply = await probe.RequestAsync(Socks5Probe.CommandConnect, IPAddress.Loopback, echo.Port);

        Assert.That(reply, Is.EqualTo(0x02));
        Assert.That(echo.Accepted, Is.Zero);
    }

    [Test]
    public async Task Microsocks_NoAuth_RelaysEcho()
    {
        await using var echo = EchoServer.Start();
        await using var microsocks = await Microsocks.StartAsync();
        await using var probe = await Socks5Probe.ConnectAsync(microsocks.Port);
        await probe.NegotiateAsync();
        Assert.That(await probe.RequestAsync(Socks5Probe.CommandConnect, IPAddress.Loopback, echo.Port), Is.Zero);

        var payload = Encoding.ASCII.GetBytes("through microsocks");
        Assert.That(await probe.EchoAsync(payload), Is.EqualTo(payload));
    }

    [Test]
    public async Task Microsocks_WithUserPass_RequiresCredentials()
    {
        await using var microsocks = await Microsocks.StartAsync("probe-user", "probe-pass");

        await using (var good = await Socks5Probe.ConnectAsync(microsocks.Port))
        {
            await good.NegotiateAsync("probe-user", "probe-pass");
            Assert.That(await good.RequestAsync(Socks5Probe.CommandConnect, IPAddress.Loopback, _nginx.Port), Is.Zero);
        }

        await using var bad = await Socks5Probe.ConnectAsync(microsocks.Port);
        Assert.That(await bad.GreetAsync(Socks5Probe.MethodUserPass), Is.EqualTo(Socks5Probe.MethodUserPass));
        Assert.That(await bad.AuthenticateAsync("probe-user", "nope"), Is.Not.Zero);
    }

    [Test]
    public async Task Tinyproxy_Open_AllowsConnect()
    {
        await using var tinyproxy = await Tinyproxy.StartAsync();

        var status = await HttpConnectStatusAsync(tinyproxy.Port, _nginx.Port);

        Assert.That(status, Does.StartWith("HTTP/1.").And.Contain(" 200"), tinyproxy.Process.LogTail());
    }

    [Test]
    public async Task Tinyproxy_RestrictedConnectPort_Answers403()
    {
        await using var tinyproxy = await Tinyproxy.StartAsync(allowedConnectPorts: [443]);

        var status = await HttpConnectStatusAsync(tinyproxy.Port, _nginx.Port);

        Assert.That(status, Does.Contain(" 403"), tinyproxy.Process.LogTail());
    }

    [Test]
    public async Task Sshd_Started_AcceptsAuthorizedClientKey()
    {
        var ssh = PeerBinaries.Require("ssh", "openssh-client");
        await using var sshd = await Sshd.StartAsync();
        var log = Path.Combine(sshd.Directory, "ssh-client.log");
        var info = new ProcessStartInfo(ssh) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in sshd.SshClientArguments(log).Concat(["127.0.0.1", "echo", "alknet-sshd-ok"]))
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.That(process.ExitCode, Is.Zero, File.Exists(log) ? File.ReadAllText(log) : sshd.Process.LogTail());
        Assert.That(stdout.Trim(), Is.EqualTo("alknet-sshd-ok"));
    }

    [Test]
    public async Task EchoServer_Echo_RecordsBytesAndChecksum()
    {
        await using var echo = EchoServer.Start();
        var payload = new byte[100_000];
        Random.Shared.NextBytes(payload);
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, echo.Port));
            await client.SendAsync(payload);
            client.Shutdown(SocketShutdown.Send);
            var back = new MemoryStream();
            var buffer = new byte[65536];
            int n;
            while ((n = await client.ReceiveAsync(buffer)) > 0)
            {
                back.Write(buffer, 0, n);
            }

            Assert.That(back.ToArray(), Is.EqualTo(payload));
        }

        await WaitUntilAsync(() => echo.Completed.Count == 1);
        Assert.That(echo.Completed[0], Is.EqualTo(((long)payload.Length, EchoServer.Checksum(payload))));
    }

    [Test]
    public async Task Dispose_DanteWithChildren_FreesPortAndLeavesNoProcess()
    {
        var dante = await Dante.StartAsync();
        var pid = dante.Process.Id;
        // A relayed connection makes dante fork its negotiate/request/io children.
        await using (var probe = await Socks5Probe.ConnectAsync(dante.Port))
        {
            await probe.NegotiateAsync();
            Assert.That(await probe.RequestAsync(Socks5Probe.CommandConnect, IPAddress.Loopback, _nginx.Port), Is.Zero);
        }

        var children = ChildrenOf(pid);
        Assert.That(children, Is.Not.Empty, "dante forks children; the tree kill must be exercised");
        await dante.DisposeAsync();

        await WaitUntilAsync(() => FreePort.IsFree(dante.Port));
        Assert.That(children.Where(c => Directory.Exists($"/proc/{c}")).Where(c => !IsZombie(c)), Is.Empty);
    }

    private static int[] ChildrenOf(int pid)
    {
        var path = $"/proc/{pid}/task/{pid}/children";
        return File.Exists(path)
            ? File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()
            : [];
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadAllLines($"/proc/{pid}/status").Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains('Z'));
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static async Task<string> HttpConnectStatusAsync(int proxyPort, int targetPort)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, proxyPort));
        await socket.SendAsync(Encoding.ASCII.GetBytes($"CONNECT 127.0.0.1:{targetPort} HTTP/1.1\r\nHost: 127.0.0.1:{targetPort}\r\n\r\n"));
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        var text = Encoding.ASCII.GetString(buffer, 0, n);
        return text.Split("\r\n")[0];
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
    }
}
