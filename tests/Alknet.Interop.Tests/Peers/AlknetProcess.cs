namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// The alknet command line run as a separate process (<c>dotnet alknet.dll …</c> from the test's output
/// directory), exactly as an operator runs it: arguments, environment, captured stdout/stderr, exit code, signals.
/// </summary>
public sealed class AlknetProcess : IAsyncDisposable
{
    private readonly PeerProcess _process;

    private AlknetProcess(PeerProcess process, int? port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The port it was told to listen on, when there is one.</summary>
    public int? Port { get; }

    public int Id => _process.Id;

    public string StdOut => _process.StdOut;

    public string StdErr => _process.StdErr;

    public string Output => _process.Output;

    public bool HasExited => _process.HasExited;

    public PeerProcess Process => _process;

    /// <summary>Path of alknet.dll next to the test assembly (the test project references the CLI project).</summary>
    public static string AssemblyPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "alknet.dll");
            if (!File.Exists(path))
            {
                Assert.Fail($"alknet.dll not found in {AppContext.BaseDirectory}: build hosts/Alknet.Cli");
            }

            return path;
        }
    }

    /// <summary>The dotnet host running these tests, so alknet runs on the same runtime.</summary>
    public static string DotnetHost
    {
        get
        {
            var self = Environment.ProcessPath;
            if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                return self;
            }

            return PeerBinaries.Find("dotnet") ?? "dotnet";
        }
    }

    /// <summary>Starts <c>alknet &lt;arguments&gt;</c>; environment entries with a null value are removed.</summary>
    public static AlknetProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, int? port = null)
    {
        var env = new Dictionary<string, string?>
        {
            // Never inherit an operator's settings into a test.
            ["ALKNET_SOCKS5_LISTEN"] = null,
            ["ALKNET_SOCKS5_USER"] = null,
            ["ALKNET_SOCKS5_PASS"] = null,
            ["ALKNET_PROXY"] = null,
            ["ALKNET_SERVE_LISTEN"] = null,
            ["ALKNET_AUTHORIZED_KEYS"] = null,
            ["ALKNET_CERT_AUTHORITY"] = null,
            ["ALKNET_LOG_LEVEL"] = null,
            // Only a test that plays the service manager sets this; one inherited from a test runner under
            // systemd would send our READY=1 to the runner's unit.
            ["NOTIFY_SOCKET"] = null,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        if (environment is not null)
        {
            foreach (var (k, v) in environment)
            {
                env[k] = v;
            }
        }

        var process = PeerProcess.Start("alknet", DotnetHost, new[] { AssemblyPath }.Concat(arguments), environment: env);
        return new AlknetProcess(process, port);
    }

    /// <summary>
    /// Starts <c>alknet socks --listen 127.0.0.1:&lt;free port&gt; &lt;extra&gt;</c> and waits until it accepts connections.
    /// </summary>
    public static async Task<AlknetProcess> StartSocksAsync(params string[] extraArguments)
    {
        var port = FreePort.Next();
        var alknet = Start(new[] { "socks", "--listen", $"127.0.0.1:{port}" }.Concat(extraArguments), port: port);
        try
        {
            await alknet._process.WaitForPortAsync(port).ConfigureAwait(false);
        }
        catch
        {
            await alknet.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return alknet;
    }

    public Task WaitForPortAsync(int port) => _process.WaitForPortAsync(port);

    /// <summary>Waits for exit; returns the exit code (fails the test if it does not exit in time).</summary>
    public Task<int> WaitForExitAsync(TimeSpan? timeout = null) => _process.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(20));

    /// <summary>SIGTERM, as systemd sends on stop.</summary>
    public void SendSigTerm() => _process.Signal("TERM");

    /// <summary>SIGINT, as Ctrl+C sends.</summary>
    public void SendSigInt() => _process.Signal("INT");

    /// <summary>Waits (bounded) until stderr contains <paramref name="text"/>; returns whether it did.</summary>
    public async Task<bool> WaitForStdErrAsync(Func<string, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (DateTime.UtcNow < deadline)
        {
            if (condition(StdErr))
            {
                return true;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        return condition(StdErr);
    }

    public string LogTail(int lines = 40) => _process.LogTail(lines);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
