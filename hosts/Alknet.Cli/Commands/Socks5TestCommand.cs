using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Alknet.Cli.Hosting;
using Alknet.Engine.Socks5;
using Alknet.Engine.Transport;

namespace Alknet.Cli.Commands;

/// <summary>
/// <c>alknet socks5-test</c>: walks any SOCKS5 proxy through its handshake one step at a time, reporting each
/// step, the reply code in words and the round-trip times. Exit 0 only when every step succeeded.
/// </summary>
internal static class Socks5TestCommand
{
    private const int EchoBytes = 256 * 1024;

    public static Command Create()
    {
        var proxy = CliOptions.String("--proxy", "The SOCKS5 proxy to check", null, "127.0.0.1:1080");
        proxy.HelpName = "HOST:PORT";
        var user = CliOptions.String("--user", "Offer RFC 1929 username/password with this user name", "ALKNET_SOCKS5_USER");
        user.HelpName = "U";
        var pass = CliOptions.String("--pass", "The password for --user", "ALKNET_SOCKS5_PASS");
        pass.HelpName = "P";
        var target = CliOptions.String("--target", "Where to CONNECT through the proxy; without it, an echo target of our own on loopback checks data both ways", null);
        target.HelpName = "HOST:PORT";
        var timeout = CliOptions.Seconds("--timeout", "Timeout for each step", 10);

        var command = new Command("socks5-test", "Check a SOCKS5 proxy step by step (any proxy, not only Alknet's)")
        {
            proxy, user, pass, target, timeout,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!EndpointParser.TrySplit(parse.GetValue(proxy)!, out var proxyHost, out var proxyPort, out var error))
                return Cli.Fail($"--proxy: {error}");
            string? u = parse.GetValue(user), p = parse.GetValue(pass);
            if (string.IsNullOrEmpty(u) != string.IsNullOrEmpty(p))
                return Cli.Fail("--user and --pass go together: give both or neither");
            string? targetText = parse.GetValue(target);
            string targetHost = "";
            ushort targetPort = 0;
            if (targetText is not null && !EndpointParser.TrySplit(targetText, out targetHost, out targetPort, out error))
                return Cli.Fail($"--target: {error}");
            var stepTimeout = CliOptions.ToTimeSpan(parse.GetValue(timeout));
            var check = new Check(stepTimeout, ct);
            return await check.RunAsync(proxyHost, proxyPort, u, p, targetText is null ? null : (targetHost, targetPort)).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>One run of the check: prints a line per step and returns the exit code.</summary>
    private sealed class Check(TimeSpan stepTimeout, CancellationToken cancel)
    {
        private int _step;

        public async Task<int> RunAsync(string proxyHost, ushort proxyPort, string? user, string? password, (string Host, ushort Port)? target)
        {
            await using var echo = target is null ? EchoTarget.Start() : null;
            var (host, port) = target ?? ("127.0.0.1", (ushort)echo!.EndPoint.Port);
            if (echo is not null) Report(true, $"started an echo target on {echo.EndPoint}", null);

            SocketConnection connection;
            var watch = Stopwatch.StartNew();
            try
            {
                using var cts = Timeout();
                var addresses = IPAddress.TryParse(proxyHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(proxyHost, cts.Token).ConfigureAwait(false);
                connection = await SocketConnector.ConnectAsync(new IPEndPoint(addresses[0], proxyPort), cts.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException)
            {
                return Report(false, $"TCP connect to the proxy {proxyHost}:{proxyPort}: {Reason(e)}", watch);
            }
            Report(true, $"TCP connect to the proxy {connection.RemoteEndPoint}", watch);

            await using (connection)
            {
                try
                {
                    return await HandshakeAsync(connection, user, password, host, port, echo is not null).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or Socks5Exception or System.Net.Sockets.SocketException)
                {
                    return Report(false, $"step {_step + 1} did not complete: {Reason(e)}", null);
                }
            }
        }

        private async Task<int> HandshakeAsync(SocketConnection pipe, string? user, string? password, string host, ushort port, bool echo)
        {
            Socks5AuthMethod[] offered = user is null
                ? [Socks5AuthMethod.NoAuthentication]
                : [Socks5AuthMethod.NoAuthentication, Socks5AuthMethod.UserNamePassword];
            var watch = Stopwatch.StartNew();
            new Socks5Greeting(offered).Write(pipe.Output);
            await pipe.Output.FlushAsync(cancel).ConfigureAwait(false);
            var selection = await ReadAsync<Socks5MethodSelection>(pipe.Input, Socks5MethodSelection.Length, "method selection").ConfigureAwait(false);
            switch (selection.Method)
            {
                case Socks5AuthMethod.NoAuthentication:
                    Report(true, "method selection: no authentication (0x00)", watch);
                    break;
                case Socks5AuthMethod.UserNamePassword when user is not null:
                    Report(true, "method selection: username/password (0x02)", watch);
                    watch.Restart();
                    new Socks5UserPassRequest(Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(password!)).Write(pipe.Output);
                    await pipe.Output.FlushAsync(cancel).ConfigureAwait(false);
                    var status = await ReadAsync<Socks5UserPassReply>(pipe.Input, Socks5UserPassReply.Length, "authentication").ConfigureAwait(false);
                    if (!status.Succeeded) return Report(false, $"authentication: rejected (status 0x{status.Status:X2})", watch);
                    Report(true, "authentication: accepted", watch);
                    break;
                case Socks5AuthMethod.NoAcceptableMethods:
                    return Report(false, "method selection: no acceptable methods (0xFF)" +
                                         (user is null ? "; the proxy probably wants --user/--pass" : ""), watch);
                default:
                    return Report(false, $"method selection: the proxy chose 0x{(byte)selection.Method:X2}, which was not offered", watch);
            }

            watch.Restart();
            new Socks5Request(Socks5Command.Connect, Socks5Address.FromHost(host), port).Write(pipe.Output);
            await pipe.Output.FlushAsync(cancel).ConfigureAwait(false);
            var reply = await ReadAsync<Socks5Reply>(pipe.Input, Socks5Reply.MaxLength, "CONNECT reply").ConfigureAwait(false);
            string words = $"0x{(byte)reply.Code:X2} {Socks5ReplyCodeText.Describe(reply.Code)}";
            if (reply.Code != Socks5ReplyCode.Succeeded) return Report(false, $"CONNECT: {words}", watch);
            Report(true, $"CONNECT: {words}, bound address {reply.BoundAddress.ToEndPoint(reply.BoundPort)}", watch);

            if (!echo) return Summary();
            return await EchoAsync(pipe).ConfigureAwait(false);
        }

        /// <summary>Sends random bytes to our echo target, half-closes, and checks the echo and the EOF that follows.</summary>
        private async Task<int> EchoAsync(SocketConnection pipe)
        {
            var data = RandomNumberGenerator.GetBytes(EchoBytes);
            var watch = Stopwatch.StartNew();
            using var cts = Timeout();
            var send = SendAndCloseAsync(pipe.Output, data, cts.Token);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long received = 0;
            while (true)
            {
                var result = await pipe.Input.ReadAsync(cts.Token).ConfigureAwait(false);
                foreach (var segment in result.Buffer) hash.AppendData(segment.Span);
                received += result.Buffer.Length;
                pipe.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) break;
            }
            await send.ConfigureAwait(false);
            bool same = received == data.Length && hash.GetHashAndReset().AsSpan().SequenceEqual(SHA256.HashData(data));
            if (!same) return Report(false, $"echo: sent {data.Length} bytes, got {received} back (or different bytes)", watch);
            Report(true, $"echo: {data.Length} bytes there and back, SHA-256 matches, half-close honoured", watch);
            return Summary();
        }

        private static async Task SendAndCloseAsync(PipeWriter output, byte[] data, CancellationToken ct)
        {
            await output.WriteAsync(data, ct).ConfigureAwait(false);
            await output.CompleteAsync().ConfigureAwait(false);
        }

        private async Task<T> ReadAsync<T>(PipeReader input, int max, string what) where T : struct, IWireMessage<T>
        {
            using var cts = Timeout();
            var (status, value) = await MessageReader.ReadAsync<T>(input, max, cts.Token).ConfigureAwait(false);
            return status == MessageReadStatus.Message
                ? value
                : throw new IOException($"the proxy closed the connection or sent too much before a whole {what}");
        }

        private CancellationTokenSource Timeout()
        {
            var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            cts.CancelAfter(stepTimeout);
            return cts;
        }

        private int Summary()
        {
            Console.Out.WriteLine("result: OK");
            return 0;
        }

        private int Report(bool ok, string text, Stopwatch? watch)
        {
            _step++;
            string rtt = watch is null ? "" : $" ({watch.Elapsed.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture)} ms)";
            Console.Out.WriteLine($"[{(ok ? " ok " : "FAIL")}] {text}{rtt}");
            if (!ok) Console.Out.WriteLine("result: FAILED");
            return ok ? 0 : 1;
        }

        private static string Reason(Exception e) => e switch
        {
            OperationCanceledException => "timed out",
            System.Net.Sockets.SocketException s => s.SocketErrorCode.ToString(),
            _ => e.Message,
        };
    }
}
