using System.IO.Pipelines;
using System.Net;
using System.Text;
using Alknet.Engine.Dialing;
using Alknet.Engine.Socks5;
using NUnit.Framework;
using static Alknet.Engine.Tests.Socks5.WireTestKit;

namespace Alknet.Engine.Tests.Socks5;

public class Socks5ServerHandshakeTests
{
    private static readonly Socks5ServerOptions NoAuth = new();

    private static readonly Socks5ServerOptions WithPassword = new() { Credentials = new Socks5Credentials("alice", "s3cret") };

    private const string ConnectExampleCom443 = "05 01 00 03 0B 6578616D706C652E636F6D 01BB";

    private CancellationTokenSource _guard = null!;

    [SetUp]
    public void SetUp() => _guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));

    [TearDown]
    public void TearDown() => _guard.Dispose();

    [Test]
    public async Task AcceptAsync_NoAuthConnect_ReturnsTargetAndKeepsEarlyData()
    {
        var duplex = new InMemoryDuplex();
        await Send(duplex, "05 01 00" + ConnectExampleCom443 + Convert.ToHexString("early"u8));

        var result = await Socks5ServerHandshake.AcceptAsync(duplex.Server, NoAuth, _guard.Token);

        Assert.That(result.Outcome, Is.EqualTo(Socks5HandshakeOutcome.Connect));
        Assert.That(result.Target, Is.EqualTo(new DialTarget("example.com", 443)));
        Assert.That(await ReadExactlyAsync(duplex.Client.Input, 2, _guard.Token), Is.EqualTo(Hex("05 00")));
        Assert.That(await ReadExactlyAsync(duplex.Server.Input, 5, _guard.Token), Is.EqualTo("early"u8.ToArray()));
    }

    [Test]
    public async Task WriteReplyAsync_BoundIPv4EndPoint_WritesSucceededReply()
    {
        var duplex = new InMemoryDuplex();
        await Socks5ServerHandshake.WriteReplyAsync(
            duplex.Server.Output, Socks5ReplyCode.Succeeded, new IPEndPoint(IPAddress.Parse("10.0.0.7"), 4242), _guard.Token);
        Assert.That(await ReadExactlyAsync(duplex.Client.Input, 10, _guard.Token), Is.EqualTo(Hex("05 00 00 01 0A000007 1092")));
    }

    [Test]
    public async Task AcceptAsync_CorrectPassword_ReturnsConnect()
    {
        var duplex = new InMemoryDuplex();
        await Send(duplex, "05 02 00 02");
        var accept = Socks5ServerHandshake.AcceptAsync(duplex.Server, WithPassword, _guard.Token).AsTask();
        Assert.That(await ReadExactlyAsync(duplex.Client.Input, 2, _guard.Token), Is.EqualTo(Hex("05 02")));

        await Send(duplex, "01 05" + Convert.ToHexString("alice"u8) + "06" + Convert.ToHexString("s3cret"u8) + ConnectExampleCom443);
        var result = await accept;

        Assert.That(result.Outcome, Is.EqualTo(Socks5HandshakeOutcome.Connect));
        Assert.That(result.Target, Is.EqualTo(new DialTarget("example.com", 443)));
        Assert.That(await ReadExactlyAsync(duplex.Client.Input, 2, _guard.Token), Is.EqualTo(Hex("01 00")));
    }

    [TestCase("alice", "wrong", TestName = "AcceptAsync_WrongPassword_AnswersFailureStatus")]
    [TestCase("mallory", "s3cret", TestName = "AcceptAsync_WrongUser_AnswersFailureStatus")]
    [TestCase("alice", "", TestName = "AcceptAsync_EmptyPassword_AnswersFailureStatus")]
    [TestCase("alice", "s3cret!", TestName = "AcceptAsync_PasswordWithExtraByte_AnswersFailureStatus")]
    public async Task AcceptAsync_BadCredentials_AnswersFailureAndReportsAuthFailure(string user, string password)
    {
        var duplex = new InMemoryDuplex();
        var u = Encoding.UTF8.GetBytes(user);
        var p = Encoding.UTF8.GetBytes(password);
        await Send(duplex, "05 01 02" + $"01 {u.Length:X2}" + Convert.ToHexString(u) + $"{p.Length:X2}" + Convert.ToHexString(p) + ConnectExampleCom443);

        var result = await Socks5ServerHandshake.AcceptAsync(duplex.Server, WithPassword, _guard.Token);

        Assert.That(result.Outcome, Is.EqualTo(Socks5HandshakeOutcome.AuthenticationFailed));
        Assert.That(result.IsAuthenticationFailure, Is.True);
        Assert.That(await ReadExactlyAsync(duplex.Client.Input, 4, _guard.Token), Is.EqualTo(Hex("05 02 01 01")));
    }

    [TestCase("05 01 00", true, TestName = "AcceptAsync_PasswordRequiredButOnlyNoAuthOffered_AnswersFF")]
    [TestCase("05 01 02", false, TestName = "AcceptAsync_NoAuthConfiguredButOnlyPasswordOffered_AnswersFF")]
    [TestCase("05 02 01 80", false, TestName = "AcceptAsync_OnlyUnknownMethodsOffered_AnswersFF")]
    public async Task AcceptAsync_NoAcceptableMethod_AnswersFF(string greeting, bool passwordConfigured)
    {
        var duplex = new InMemoryDuplex();
        await Send(duplex, greeting);

        var result = await Socks5ServerHandshake.AcceptAsync(duplex.Server, passwordConfigured ? WithPassword : NoAuth, _guard.Token);

        Assert.That(result.Outcome, Is.EqualTo(Socks5HandshakeOutcome.NoAcceptableMethod));
        Assert.That(await ReadExactlyAsync(duplex.Client.Input, 2, _guard.Token), Is.EqualTo(Hex("05 FF")));
    }

    [TestCase("05 02 00 01 7F000001 0050", Socks5HandshakeOutcome.CommandNotSupported, "07", TestName = "AcceptAsync_Bind_AnswersCommandNotSupported")]
    [TestCase("05 03 00 01 00000000 0000", Socks5HandshakeOutcome.CommandNotSupported, "07", TestName = "AcceptAsync_UdpAssociate_AnswersCommandNotSupported")]
    [TestCase("05 7F 00 01 00000000 0000", Socks5HandshakeOutcome.CommandNotSupported, "07", TestName = "AcceptAsync_UnknownCommand_AnswersCommandNotSupported")]
    [TestCase("05 01 00 02 00000000 0000", Socks5HandshakeOutcome.AddressTypeNotSupported, "08", TestName = "AcceptAsync_BadAddressType_AnswersAddressTypeNotSupported")]
    [TestCase("05 01 00 03 00 0050", Socks5HandshakeOutcome.Malformed, "01", TestName = "AcceptAsync_ZeroLengthDomain_AnswersGeneralFailure")]
    [TestCase("04 01 00 01 7F000001 0050", Socks5HandshakeOutcome.Malformed, "01", TestName = "AcceptAsync_WrongRequestVersion_AnswersGeneralFailure")]
    public async Task AcceptAsync_RejectedRequest_AnswersExactReplyCode(string request, Socks5HandshakeOutcome outcome, string code)
    {
        var duplex = new InMemoryDuplex();
        await Send(duplex, "05 01 00" + request);

        var result = await Socks5ServerHandshake.AcceptAsync(duplex.Server, NoAuth, _guard.Token);

        Assert.That(result.Outcome, Is.EqualTo(outcome));
        Assert.That(await ReadExactlyAsync(duplex.Client.Input, 12, _guard.Token), Is.EqualTo(Hex("05 00" + "05" + code + "00 01 00000000 0000")));
    }

    [Test]
    public async Task AcceptAsync_TruncatedRequestThenEof_AnswersGeneralFailureInsteadOfHanging()
    {
        var duplex = new InMemoryDuplex();
        await Send(duplex, "05 01 00 05 01 00 03 0B 6578");
        await duplex.Client.Output.CompleteAsync();

        var result = await Socks5ServerHandshake.AcceptAsync(duplex.Server, NoAuth, _guard.Token);

        Assert.That(result.Outcome, Is.EqualTo(Socks5HandshakeOutcome.Malformed));
        Assert.That(await ReadExactlyAsync(duplex.Client.Input, 12, _guard.Token), Is.EqualTo(Hex("05 00 05 01 00 01 00000000 0000")));
    }

    [Test]
    public async Task AcceptAsync_TruncatedGreetingThenEof_AnswersFF()
    {
        var duplex = new InMemoryDuplex();
        await Send(duplex, "05 03 00");
        await duplex.Client.Output.CompleteAsync();

        var result = await Socks5ServerHandshake.AcceptAsync(duplex.Server, NoAuth, _guard.Token);

        Assert.That(result.Outcome, Is.EqualTo(Socks5HandshakeOutcome.Malformed));
        Assert.That(await ReadExactlyAsync(duplex.Client.Input, 2, _guard.Token), Is.EqualTo(Hex("05 FF")));
    }

    [Test]
    public async Task AcceptAsync_TruncatedAuthenticationThenEof_AnswersFailureStatus()
    {
        var duplex = new InMemoryDuplex();
        await Send(duplex, "05 01 02 01 05 616C");
        await duplex.Client.Output.CompleteAsync();

        var result = await Socks5ServerHandshake.AcceptAsync(duplex.Server, WithPassword, _guard.Token);

        Assert.That(result.Outcome, Is.EqualTo(Socks5HandshakeOutcome.Malformed));
        Assert.That(await ReadExactlyAsync(duplex.Client.Input, 4, _guard.Token), Is.EqualTo(Hex("05 02 01 01")));
    }

    [Test]
    public async Task AcceptAsync_BadAuthenticationVersion_AnswersFailureStatus()
    {
        var duplex = new InMemoryDuplex();
        await Send(duplex, "05 01 02 05 05 616C696365 00");

        var result = await Socks5ServerHandshake.AcceptAsync(duplex.Server, WithPassword, _guard.Token);

        Assert.That(result.Outcome, Is.EqualTo(Socks5HandshakeOutcome.Malformed));
        Assert.That(await ReadExactlyAsync(duplex.Client.Input, 4, _guard.Token), Is.EqualTo(Hex("05 02 01 01")));
    }

    [Test]
    public async Task AcceptAsync_Socks4Greeting_AnswersFFAndReportsMalformed()
    {
        var duplex = new InMemoryDuplex();
        await Send(duplex, "04 01 0050 7F000001 00");

        var result = await Socks5ServerHandshake.AcceptAsync(duplex.Server, NoAuth, _guard.Token);

        Assert.That(result.Outcome, Is.EqualTo(Socks5HandshakeOutcome.Malformed));
        Assert.That(await ReadExactlyAsync(duplex.Client.Input, 2, _guard.Token), Is.EqualTo(Hex("05 FF")));
    }

    [Test]
    public async Task AcceptAsync_ClientClosesImmediately_ReportsClientClosed()
    {
        var duplex = new InMemoryDuplex();
        await duplex.Client.Output.CompleteAsync();

        var result = await Socks5ServerHandshake.AcceptAsync(duplex.Server, NoAuth, _guard.Token);

        Assert.That(result.Outcome, Is.EqualTo(Socks5HandshakeOutcome.ClientClosed));
    }

    [Test]
    public async Task AcceptAsync_OneByteThenSilence_TimesOut()
    {
        var duplex = new InMemoryDuplex();
        await Send(duplex, "05");
        var options = new Socks5ServerOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(100) };

        var result = await Socks5ServerHandshake.AcceptAsync(duplex.Server, options, _guard.Token);

        Assert.That(result.Outcome, Is.EqualTo(Socks5HandshakeOutcome.TimedOut));
    }

    [Test]
    public async Task AcceptAsync_SilenceAfterGreeting_TimesOut()
    {
        var duplex = new InMemoryDuplex();
        await Send(duplex, "05 01 00 05 01");
        var options = new Socks5ServerOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(100) };

        var result = await Socks5ServerHandshake.AcceptAsync(duplex.Server, options, _guard.Token);

        Assert.That(result.Outcome, Is.EqualTo(Socks5HandshakeOutcome.TimedOut));
    }

    [Test]
    public void AcceptAsync_CallerCancels_ThrowsOperationCanceled()
    {
        var duplex = new InMemoryDuplex();
        using var cts = new CancellationTokenSource();
        var accept = Socks5ServerHandshake.AcceptAsync(duplex.Server, NoAuth, cts.Token).AsTask();
        cts.Cancel();
        Assert.That(async () => await accept, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void AcceptAsync_ReadCanceledByOwner_ThrowsInsteadOfReportingTimeout()
    {
        var duplex = new InMemoryDuplex();
        var accept = Socks5ServerHandshake.AcceptAsync(duplex.Server, NoAuth, _guard.Token).AsTask();
        duplex.Server.Input.CancelPendingRead();
        Assert.That(async () => await accept, Throws.InstanceOf<OperationCanceledException>());
    }

    private static async Task Send(InMemoryDuplex duplex, string hex)
    {
        await duplex.Client.Output.WriteAsync(Hex(hex));
    }
}
