using System.CommandLine;
using Alknet.Cli.Hosting;
using Alknet.Ssh.Keys;

namespace Alknet.Cli.Commands;

/// <summary><c>alknet keygen</c>: writes an OpenSSH-format key pair, as ssh-keygen does (private 0600, .pub 0644).</summary>
internal static class KeygenCommand
{
    public static Command Create()
    {
        var type = new Option<string>("--type", "-t")
        {
            Description = "Key type: ed25519, ecdsa or rsa",
            DefaultValueFactory = _ => "ed25519",
        };
        type.AcceptOnlyFromAmong("ed25519", "ecdsa", "rsa");
        var bits = new Option<int?>("--bits", "-b") { Description = "Key size: ecdsa 256|384|521 (default 256), rsa 2048..16384 (default 3072)" };
        var file = new Option<string>("--file", "-f") { Description = "Where to write the private key; the public key goes to FILE.pub", Required = true, HelpName = "FILE" };
        var comment = CliOptions.String("--comment", "Comment stored with the key (default user@host)", null, null, "-C");
        var passphraseEnv = new Option<bool>("--passphrase-from-env")
        {
            Description = "Encrypt the private key with the passphrase in ALKNET_KEY_PASSPHRASE (bcrypt KDF, aes256-ctr)",
        };

        var command = new Command("keygen", "Generate an SSH key pair in OpenSSH format (usable by ssh, sshd and alknet)")
        {
            type, bits, file, comment, passphraseEnv,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            if (File.Exists(path)) return Cli.Fail($"{path} already exists; remove it first or choose another --file");
            string? passphrase = null;
            if (parse.GetValue(passphraseEnv))
            {
                passphrase = Environment.GetEnvironmentVariable("ALKNET_KEY_PASSPHRASE");
                if (string.IsNullOrEmpty(passphrase)) return Cli.Fail("--passphrase-from-env: ALKNET_KEY_PASSPHRASE is empty");
            }
            SshPrivateKey key;
            try
            {
                key = SshPrivateKey.Generate(parse.GetValue(type)!, parse.GetValue(bits));
            }
            catch (ArgumentException e)
            {
                return Cli.Fail(e.Message);
            }
            using (key)
            {
                string note = parse.GetValue(comment) ?? $"{Environment.UserName}@{Environment.MachineName}";
                try
                {
                    KeyFiles.WriteKeyPair(path, key, note, passphrase);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return Cli.Fail($"cannot write {path}: {e.Message}");
                }
                Console.Out.WriteLine($"Wrote {path} and {path}.pub");
                Console.Out.WriteLine($"{key.PublicKey.Fingerprint} {note} ({key.PublicKey.KeyType})");
            }
            return 0;
        });
        return command;
    }
}
