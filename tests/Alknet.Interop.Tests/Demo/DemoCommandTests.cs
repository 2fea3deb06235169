using Alknet.Interop.Tests.Peers;
using Alknet.Interop.Tests.Socks;

namespace Alknet.Interop.Tests.Demo;

/// <summary>The README's first command: <c>alknet demo</c> runs serve and connect together and carries curl's traffic.</summary>
[TestFixture]
[CancelAfter(90_000)]
public class DemoCommandTests
{
    [Test]
    public async Task Demo_CurlThroughItsSocksPort_FetchesTheFileIntactAndStopsCleanly()
    {
        await using var nginx = await Nginx.StartAsync();
        var socksPort = FreePort.Next();
        await using var demo = AlknetProcess.Start(["demo", "--socks5", $"127.0.0.1:{socksPort}"], port: socksPort);
        await demo.WaitForPortAsync(socksPort);
        Assert.That(await demo.WaitForStdErrAsync(e => e.Contains("session up"), TimeSpan.FromSeconds(20)), Is.True, demo.Output);

        var result = await Curl.FetchAsync(nginx.Url(Nginx.BigFile, "localhost"), "--socks5-hostname", $"127.0.0.1:{socksPort}");

        Assert.That(result.ExitCode, Is.Zero, result.StdErr);
        Assert.That(result.Sha256, Is.EqualTo(nginx.BigFileSha256));
        Assert.That(demo.StdOut, Does.Contain($"curl --socks5-hostname 127.0.0.1:{socksPort}"));
        demo.SendSigTerm();
        Assert.That(await demo.WaitForExitAsync(), Is.Zero, demo.Output);
        LogAssert.NoDestination(demo, ["localhost:" + nginx.Port], [nginx.Port]);
    }

    [Test]
    public async Task Demo_NonLoopbackSocks5_RefusedWithExitTwo()
    {
        await using var demo = AlknetProcess.Start(["demo", "--socks5", "0.0.0.0:1"]);
        Assert.That(await demo.WaitForExitAsync(), Is.EqualTo(2));
        Assert.That(demo.StdErr, Does.Contain("loopback"));
    }
}
