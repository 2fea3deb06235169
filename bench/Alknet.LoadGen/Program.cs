using System.Runtime.InteropServices;

namespace Alknet.LoadGen;

/// <summary>
/// alknet-loadgen: SOCKS5 load for side-by-side comparisons with any SOCKS5 server.
///   cps   --proxy H:P --target H:P [--user U --pass P] [--concurrency 32] [--duration 10] [--warmup 1] [--bytes 64]
///   hold  --proxy H:P --target H:P [--user U --pass P] --count N [--parallel 64] [--hold SECONDS]
///   echo  [--listen 127.0.0.1:PORT] [--mode echo|sink]
///   delay --target H:P [--listen 127.0.0.1:PORT] [--delay-ms 5]
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: alknet-loadgen <mode> [options]
          cps   --proxy HOST:PORT --target HOST:PORT [--user U --pass P] [--concurrency 32] [--duration 10]
                [--warmup 1] [--bytes 64] [--timeout 10]
                connect, SOCKS5 handshake, CONNECT, echo K bytes, close; reports connections/s, latency, errors
          hold  --proxy HOST:PORT --target HOST:PORT [--user U --pass P] --count N [--parallel 64] [--hold SECONDS]
                opens N proxied connections, prints READY, holds them idle until SIGINT/SIGTERM
          echo  [--listen 127.0.0.1:PORT] [--mode echo|sink]
                the target server: echoes (or discards) every byte
          delay --target HOST:PORT [--listen 127.0.0.1:PORT] [--delay-ms 5]
                TCP forwarder adding a fixed delay each way (a round-trip time on loopback, no netem needed)
        """;

    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        try
        {
            var options = new Options(args.Skip(1));
            return args[0] switch
            {
                "cps" => await ConnectionsPerSecond.RunAsync(options, stop.Token).ConfigureAwait(false),
                "hold" => await HoldConnections.RunAsync(options, stop.Token).ConfigureAwait(false),
                "echo" or "target" => await EchoTarget.RunAsync(options, stop.Token).ConfigureAwait(false),
                "delay" => await DelayLink.RunAsync(options, stop.Token).ConfigureAwait(false),
                _ => throw new UsageException($"unknown mode '{args[0]}'"),
            };
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"alknet-loadgen: {e.Message}\n{Usage}").ConfigureAwait(false);
            return 2;
        }
    }
}
