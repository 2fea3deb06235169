using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Socks;

/// <summary>
/// <c>alknet socks5-test</c>, the operator's diagnostic, run against dante (a SOCKS5 server we did not write) and
/// against a port where nothing listens.
/// </summary>
[TestFixture]
public sealed class Socks5TestCommandTests
{
    private Dante? _dante;
    private Dante? _danteAuth;
    private EchoServer? _echo;

    [OneTimeSetUp]
    public async Task Start()
    {
        _echo = EchoServer.Start();
        _dante = await Dante.StartAsync();
        _danteAuth = await Dante.StartAsync(DanteAuth.Username);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_danteAuth is not null) await _danteAuth.DisposeAsync();
        if (_dante is not null) await _dante.DisposeAsync();
        if (_echo is not null) await _echo.DisposeAsync();
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        await using var alknet = AlknetProcess.Start(args.Prepend("socks5-test"));
        var code = await alknet.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return (code, alknet.Output);
    }

    [Test]
    public async Task Socks5Test_DanteWithTarget_ExitsZeroAndReportsSuccess()
    {
        var before = _echo!.Accepted;

        var (code, output) = await RunAsync("--proxy", $"127.0.0.1:{_dante!.Port}", "--target", $"127.0.0.1:{_echo.Port}");

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("succe").IgnoreCase, output);
        Assert.That(_echo.Accepted, Is.GreaterThan(before), "the test must have reached the target through dante");
    }

    [Test]
    public async Task Socks5Test_DanteWithOwnTarget_ExitsZeroAndReportsSuccess()
    {
        var (code, output) = await RunAsync("--proxy", $"127.0.0.1:{_dante!.Port}");

        Assert.That(code, Is.Zero, output + _dante.Process.LogTail());
        Assert.That(output, Does.Contain("succe").IgnoreCase, output);
    }

    [Test]
    public async Task Socks5Test_DanteWithCredentials_ExitsZero()
    {
        var before = _echo!.Accepted;

        var (code, output) = await RunAsync("--proxy", $"127.0.0.1:{_danteAuth!.Port}", "--user", _danteAuth.User!, "--pass", _danteAuth.Password!, "--target", $"127.0.0.1:{_echo.Port}");

        Assert.That(code, Is.Zero, output + _danteAuth.Process.LogTail());
        Assert.That(output, Does.Contain("succe").IgnoreCase, output);
        Assert.That(_echo.Accepted, Is.GreaterThan(before), "the test must have reached the target through dante");
    }

    [Test]
    public async Task Socks5Test_DanteWrongPassword_ExitsNonZero()
    {
        var (code, output) = await RunAsync("--proxy", $"127.0.0.1:{_danteAuth!.Port}", "--user", _danteAuth.User!, "--pass", "wrong", "--target", $"127.0.0.1:{_echo!.Port}");

        Assert.That(code, Is.Not.Zero, output);
    }

    [Test]
    public async Task Socks5Test_DeadProxyPort_ExitsNonZero()
    {
        var dead = FreePort.Next();

        var (code, output) = await RunAsync("--proxy", $"127.0.0.1:{dead}", "--target", $"127.0.0.1:{_echo!.Port}");

        Assert.That(code, Is.Not.Zero, output);
        Assert.That(output, Is.Not.Empty, "a failure must say what failed");
    }

    [Test]
    public async Task Socks5Test_TargetRefused_ExitsNonZeroAndNamesReply()
    {
        var closed = FreePort.Next();

        var (code, output) = await RunAsync("--proxy", $"127.0.0.1:{_dante!.Port}", "--target", $"127.0.0.1:{closed}");

        Assert.That(code, Is.Not.Zero, output);
        Assert.That(output, Does.Contain("refused").IgnoreCase, "dante answers 0x05; the reply code is printed in words");
    }
}
