using Alknet.Ssh.Auth;
using Alknet.Ssh.Keys;

namespace Alknet.Cli.Hosting;

/// <summary>
/// Loads a user identity the way ssh does: the private key (refused when group or others can read it), its
/// passphrase from ALKNET_KEY_PASSPHRASE when it is encrypted, and KEY-cert.pub beside it when present.
/// </summary>
internal static class IdentityLoader
{
    public static bool TryLoad(string path, out SshClientIdentity identity, out string error)
    {
        identity = null!;
        error = "";
        if (!File.Exists(path))
        {
            error = $"identity file {path} does not exist (create one with: alknet keygen -f {path})";
            return false;
        }
        if (KeyFiles.CheckPrivateKeyPermissions(path) is { } open)
        {
            error = $"{path}: {open}";
            return false;
        }
        SshPrivateKey key;
        try
        {
            key = SshPrivateKey.Load(path, () => Environment.GetEnvironmentVariable("ALKNET_KEY_PASSPHRASE"));
        }
        catch (Exception e) when (e is SshKeyFileException or FormatException or IOException)
        {
            error = $"{path}: {e.Message}" + (e is IncorrectPassphraseException ? "" : "");
            return false;
        }
        SshCertificate? certificate = null;
        string certPath = path + "-cert.pub";
        if (File.Exists(certPath))
        {
            try
            {
                certificate = SshPublicKey.Load(certPath) as SshCertificate;
            }
            catch (FormatException e)
            {
                error = $"{certPath}: {e.Message}";
                return false;
            }
        }
        identity = new SshClientIdentity(key, certificate);
        return true;
    }
}
