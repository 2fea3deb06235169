using System.Security.Cryptography;

namespace Alknet.Interop.Tests.Peers;

/// <summary>
/// nginx serving a directory of known files on a free loopback port: the HTTP target behind every proxy under
/// test. <see cref="BigFile"/> is random, so a byte lost, duplicated or reordered anywhere on the path changes its hash.
/// </summary>
public sealed class Nginx : IAsyncDisposable
{
    public const string BigFile = "big.bin";
    public const string SmallFile = "index.html";
    public const string SmallFileContent = "alknet interop target\n";

    private readonly PeerDirectory _dir;
    private readonly PeerProcess _process;

    private Nginx(PeerDirectory dir, PeerProcess process, int port, string root, string bigFileSha256)
    {
        _dir = dir;
        _process = process;
        Port = port;
        Root = root;
        BigFileSha256 = bigFileSha256;
    }

    public int Port { get; }

    /// <summary>The served directory.</summary>
    public string Root { get; }

    /// <summary>Lower-case hex SHA-256 of <see cref="BigFile"/>.</summary>
    public string BigFileSha256 { get; }

    public PeerProcess Process => _process;

    /// <summary>URL of a served file with the given host spelling (an IP literal or a name).</summary>
    public string Url(string file, string host = "127.0.0.1") => $"http://{host}:{Port}/{file}";

    public static async Task<Nginx> StartAsync(int bigFileBytes = 4 * 1024 * 1024)
    {
        var nginx = PeerBinaries.Require("nginx", "nginx-light");
        var dir = new PeerDirectory("nginx");
        try
        {
            var root = dir.CreateSubdirectory("www");
            File.WriteAllText(Path.Combine(root, SmallFile), SmallFileContent);
            var big = new byte[bigFileBytes];
            RandomNumberGenerator.Fill(big);
            await File.WriteAllBytesAsync(Path.Combine(root, BigFile), big).ConfigureAwait(false);
            var sha = Convert.ToHexStringLower(SHA256.HashData(big));

            var port = FreePort.Next();
            var errorLog = dir.FilePath("error.log");
            var temp = dir.CreateSubdirectory("tmp");
            // daemon off keeps the master as our child so the tree kill reaches the worker too.
            var config = dir.WriteText("nginx.conf", $$"""
                daemon off;
                worker_processes 1;
                pid {{dir.FilePath("nginx.pid")}};
                error_log {{errorLog}} info;
                events { worker_connections 512; }
                http {
                    access_log off;
                    client_body_temp_path {{temp}}/body;
                    proxy_temp_path {{temp}}/proxy;
                    default_type application/octet-stream;
                    sendfile on;
                    server {
                        listen 127.0.0.1:{{port}};
                        root {{root}};
                    }
                }
                """);
            var process = PeerProcess.Start("nginx", nginx, ["-c", config, "-e", errorLog, "-p", dir.Path], dir.FilePath("nginx.out"), extraLogs: errorLog);
            var peer = new Nginx(dir, process, port, root, sha);
            try
            {
                await process.WaitForPortAsync(port).ConfigureAwait(false);
            }
            catch
            {
                await peer.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return peer;
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        _dir.Dispose();
    }
}
