using Alknet.Ssh.Keys;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Hosting;

/// <summary>
/// Loads the server's host keys. A --host-key path that does not exist yet gets a fresh ed25519 key (as sshd's
/// packaging does on first boot), and the fingerprint is logged so the operator can publish it to clients.
/// </summary>
internal static class HostKeyLoader
{
    public static bool TryLoad(IReadOnlyList<string> paths, ILogger logger, out List<SshPrivateKey> keys, out string error)
    {
        keys = [];
        error = "";
        foreach (var path in paths)
        {
            try
            {
                if (!File.Exists(path))
                {
                    var fresh = SshPrivateKey.Generate("ed25519");
                    KeyFiles.WriteKeyPair(path, fresh, $"alknet host key");
                    Commands.ServeLog.GeneratedHostKey(logger, path, fresh.PublicKey.KeyType, fresh.PublicKey.Fingerprint);
                    keys.Add(fresh);
                    continue;
                }
                if (KeyFiles.CheckPrivateKeyPermissions(path) is { } open)
                {
                    error = $"--host-key {path}: {open}";
                    return false;
                }
                var key = SshPrivateKey.Load(path);
                Commands.ServeLog.HostKey(logger, path, key.PublicKey.KeyType, key.PublicKey.Fingerprint);
                keys.Add(key);
            }
            catch (Exception e) when (e is SshKeyFileException or FormatException or IOException or UnauthorizedAccessException)
            {
                error = $"--host-key {path}: {e.Message}";
                return false;
            }
        }
        return true;
    }
}
