using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// One external process started by a test: output captured line by line (and mirrored to a log file), a bounded
/// wait for its listening port that fails with the log tail, and a reliable process-tree kill on dispose
/// (dante and nginx fork children that would otherwise outlive the test).
/// </summary>
public sealed class PeerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _combined = new();
    private readonly StreamWriter? _log;
    private readonly string[] _extraLogs;
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private PeerProcess(string name, Process process, string? logPath, string[] extraLogs)
    {
        Name = name;
        _process = process;
        _extraLogs = extraLogs;
        if (logPath is not null)
        {
            _log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        }
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote to stdout so far.</summary>
    public string StdOut { get { lock (_combined) { return _stdout.ToString(); } } }

    /// <summary>Everything the process wrote to stderr so far.</summary>
    public string StdErr { get { lock (_combined) { return _stderr.ToString(); } } }

    /// <summary>stdout and stderr interleaved in arrival order.</summary>
    public string Output { get { lock (_combined) { return _combined.ToString(); } } }

    /// <summary>
    /// Starts <paramref name="fileName"/>. <paramref name="extraLogs"/> are files the peer writes itself (dante's
    /// logoutput, nginx's error log); they are included in <see cref="LogTail"/>.
    /// </summary>
    public static PeerProcess Start(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        string? logPath = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        params string[] extraLogs)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                if (value is null)
                {
                    info.Environment.Remove(key);
                }
                else
                {
                    info.Environment[key] = value;
                }
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var peer = new PeerProcess(name, process, logPath, extraLogs);
        process.OutputDataReceived += (_, e) => peer.Append(e.Data, peer._stdout, peer._stdoutClosed);
        process.ErrorDataReceived += (_, e) => peer.Append(e.Data, peer._stderr, peer._stderrClosed);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name}: could not start {fileName}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    private void Append(string? line, StringBuilder stream, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (_combined)
        {
            stream.AppendLine(line);
            _combined.AppendLine(line);
        }

        try
        {
            _log?.WriteLine(line);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Waits until 127.0.0.1:<paramref name="port"/> accepts a TCP connection. Fails the test with the log tail
    /// if the process exits first or the deadline passes.
    /// </summary>
    public async Task WaitForPortAsync(int port, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (_process.HasExited)
            {
                await DrainOutputAsync().ConfigureAwait(false);
                Assert.Fail($"{Name} exited with code {_process.ExitCode} before listening on 127.0.0.1:{port}.\n{LogTail()}");
            }

            if (await CanConnectAsync(port).ConfigureAwait(false))
            {
                return;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                Assert.Fail($"{Name} did not listen on 127.0.0.1:{port} within {(timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds:0} s.\n{LogTail()}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private static async Task<bool> CanConnectAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits for the process to exit; returns its exit code or fails the test (and kills it) on timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            Assert.Fail($"{Name} did not exit within {timeout.TotalSeconds:0} s.\n{LogTail()}");
        }

        await DrainOutputAsync().ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Output events can trail the exit notification; wait (bounded) until both streams reached EOF.</summary>
    private async Task DrainOutputAsync()
    {
        await Task.WhenAny(Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task), Task.Delay(2000)).ConfigureAwait(false);
    }

    /// <summary>Sends a signal by name (TERM, INT, HUP) with kill(1), the way an init system would.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, _process.Id.ToString() }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>The last lines of captured output and of the peer's own log files, for failure messages.</summary>
    public string LogTail(int lines = 40)
    {
        var text = new StringBuilder();
        text.Append("--- ").Append(Name).AppendLine(" output (tail) ---");
        text.AppendLine(Tail(Output, lines));
        foreach (var file in _extraLogs)
        {
            text.Append("--- ").Append(file).AppendLine(" (tail) ---");
            try
            {
                text.AppendLine(Tail(File.Exists(file) ? ReadShared(file) : "(not written)", lines));
            }
            catch (IOException e)
            {
                text.AppendLine(e.Message);
            }
        }

        return text.ToString();
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Kill();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        // A failed test gets the peer's log in its output: that is usually where the reason is.
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            await TestContext.Progress.WriteLineAsync(LogTail()).ConfigureAwait(false);
        }

        _process.Dispose();
        if (_log is not null)
        {
            await _log.DisposeAsync().ConfigureAwait(false);
        }
    }
}
