using System.Text.RegularExpressions;
using Alknet.Interop.Tests.Peers;
using Alknet.Interop.Tests.Socks;

namespace Alknet.Interop.Tests.LoadGen;

/// <summary>
/// The load generator used by bench/compare, run as a process against real SOCKS5 servers: every completed
/// cycle's echo was checksummed, so zero errors with completed cycles means the proxy relayed correctly under
/// concurrency. Speed is not asserted here (that is what bench/compare reports).
/// </summary>
[TestFixture]
public sealed class LoadGenTests
{
    private EchoServer? _echo;

    [OneTimeSetUp]
    public void Start() => _echo = EchoServer.Start();

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_echo is not null) await _echo.DisposeAsync();
    }

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "alknet-loadgen.dll");
        Assert.That(File.Exists(dll), Is.True, $"{dll} missing: build bench/Alknet.LoadGen");
        await using var process = PeerProcess.Start("alknet-loadgen", AlknetProcess.DotnetHost, args.Prepend(dll));
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, process.Output);
    }

    private static long Field(string output, string name)
    {
        var match = Regex.Match(output, $@"^RESULT .*\b{name}=(\d+)", RegexOptions.Multiline);
        Assert.That(match.Success, Is.True, $"no RESULT {name}= in:\n{output}");
        return long.Parse(match.Groups[1].Value);
    }

    private async Task AssertCpsCleanAsync(int proxyPort, params string[] auth)
    {
        var (code, output) = await RunAsync(
            [.. new[] { "cps", "--proxy", $"127.0.0.1:{proxyPort}", "--target", $"127.0.0.1:{_echo!.Port}", "--concurrency", "8", "--duration", "1", "--warmup", "0.2", "--bytes", "4096" }, .. auth]);

        Assert.That(code, Is.Zero, output);
        Assert.That(Field(output, "ok"), Is.GreaterThan(0), output);
        Assert.That(Field(output, "errors"), Is.Zero, output);
    }

    [Test]
    public async Task Cps_Microsocks_CompletesCyclesWithoutErrors()
    {
        await using var microsocks = await Microsocks.StartAsync();
        await AssertCpsCleanAsync(microsocks.Port);
    }

    [Test]
    public async Task Cps_MicrosocksWithAuth_CompletesCyclesWithoutErrors()
    {
        await using var microsocks = await Microsocks.StartAsync("lg-user", "lg-pass");
        await AssertCpsCleanAsync(microsocks.Port, "--user", "lg-user", "--pass", "lg-pass");
    }

    [Test]
    public async Task Cps_Dante_CompletesCyclesWithoutErrors()
    {
        await using var dante = await Dante.StartAsync();
        await AssertCpsCleanAsync(dante.Port);
    }

    [Test]
    public async Task Cps_AlknetSocks_CompletesCyclesWithoutErrors()
    {
        await using var alknet = await AlknetProcess.StartSocksAsync();
        await AssertCpsCleanAsync(alknet.Port!.Value);
        LogAssert.NoDestinationPort(alknet, _echo!.Port);
    }

    [Test]
    public async Task Cps_AlknetSocksWithAuth_CompletesCyclesWithoutErrors()
    {
        await using var alknet = await AlknetProcess.StartSocksAsync("--user", "lg-user", "--pass", "lg-pass");
        await AssertCpsCleanAsync(alknet.Port!.Value, "--user", "lg-user", "--pass", "lg-pass");
    }

    [Test]
    public async Task Cps_WrongPassword_CountsAuthErrors()
    {
        await using var microsocks = await Microsocks.StartAsync("lg-user", "lg-pass");

        var (code, output) = await RunAsync("cps", "--proxy", $"127.0.0.1:{microsocks.Port}", "--target", $"127.0.0.1:{_echo!.Port}", "--concurrency", "2", "--duration", "0.5", "--warmup", "0", "--user", "lg-user", "--pass", "bad");

        Assert.That(code, Is.Not.Zero, "no completed cycle is a failed run");
        Assert.That(Field(output, "ok"), Is.Zero);
        Assert.That(output, Does.Contain("auth="), "errors are reported by kind");
    }

    [Test]
    public async Task Hold_AlknetSocks_HoldsAllConnectionsAlive()
    {
        await using var alknet = await AlknetProcess.StartSocksAsync();

        var (code, output) = await RunAsync("hold", "--proxy", $"127.0.0.1:{alknet.Port}", "--target", $"127.0.0.1:{_echo!.Port}", "--count", "200", "--hold", "1");

        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("READY held=200 failed=0"));
        Assert.That(output, Does.Contain("RELEASED alive=200"), "idle connections must survive the hold");
    }
}
