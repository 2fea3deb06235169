using System.Net;
using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Serve;

/// <summary>
/// <c>alknet serve</c> under Type=notify: the test plays systemd's part by binding the NOTIFY_SOCKET datagram
/// socket, and checks what a unit with Type=notify relies on: READY=1 only once the port accepts, with a STATUS,
/// and STOPPING=1 when SIGTERM arrives, then exit code 0.
/// </summary>
[TestFixture]
public sealed class ServeSystemdTests
{
    [Test]
    public async Task Serve_NotifySocketSet_SendsReadyWithStatusOncePortAccepts()
    {
        using var notify = new NotifySocket();
        await using var serve = await AlknetServe.StartAsync([], new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = notify.Path });

        var first = await notify.ReceiveAsync("READY=1", () => serve.Process.LogTail());

        Assert.That(first.Split('\n'), Does.Contain("READY=1"), "the first notification must be READY=1");
        Assert.That(first, Does.Contain($"STATUS=SSH on 127.0.0.1:{serve.Port}"));
        // READY=1 is a promise that the port is bound: a client connecting right now must get in.
        await using var client = await RawSshConnection.ConnectAsync(IPAddress.Loopback, serve.Port);
        Assert.That(await client.ReadVersionLineAsync(), Does.StartWith("SSH-2.0-"));
    }

    [Test]
    public async Task Serve_SigTermUnderNotifySocket_SendsStoppingAndExitsZero()
    {
        using var notify = new NotifySocket();
        await using var serve = await AlknetServe.StartAsync([], new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = notify.Path });
        var ready = await notify.ReceiveAsync("READY=1", () => serve.Process.LogTail());
        Assert.That(ready.Split('\n'), Does.Contain("READY=1"));

        serve.Process.SendSigTerm();
        var stopping = await notify.ReceiveAsync("STOPPING=1", () => serve.Process.LogTail());
        var code = await serve.Process.WaitForExitAsync();

        Assert.That(stopping.Split('\n'), Does.Contain("STOPPING=1"));
        Assert.That(code, Is.Zero, serve.Process.Output);
    }

    [Test]
    public async Task Serve_ListenPortTaken_ExitsTwoWithoutReady()
    {
        using var notify = new NotifySocket();
        using var occupant = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
            System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        occupant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupant.Listen();
        var port = ((IPEndPoint)occupant.LocalEndPoint!).Port;
        await using var serve = await AlknetServe.StartAsync([], new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = notify.Path }, port: port);

        var code = await serve.Process.WaitForExitAsync();

        Assert.That(code, Is.EqualTo(2), serve.Process.Output);
        Assert.That(serve.Process.StdErr, Does.Contain($"cannot listen on 127.0.0.1:{port}"));
        Assert.That(notify.Pending, Is.Zero, "a server that could not bind must not report READY=1");
    }
}
