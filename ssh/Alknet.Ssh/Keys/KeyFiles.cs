namespace Alknet.Ssh.Keys;

/// <summary>Writes key pairs the way ssh-keygen does: the private key readable by its owner only (0600), the .pub 0644.</summary>
public static class KeyFiles
{
    public const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode PublicMode = PrivateMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>
    /// Writes <paramref name="path"/> (unencrypted openssh-key-v1, or encrypted when a passphrase is given) and
    /// <paramref name="path"/>.pub. An existing private key file is not overwritten.
    /// </summary>
    public static void WriteKeyPair(string path, SshPrivateKey key, string comment, string? passphrase = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        string text = passphrase is null ? key.ToOpenSshPrivateKeyFile(comment) : key.ToOpenSshPrivateKeyFile(comment, passphrase);
        WriteNew(path, text, PrivateMode, overwrite: false);
        WriteNew(path + ".pub", key.PublicKey.ToOpenSshLine(comment) + "\n", PublicMode, overwrite: true);
    }

    /// <summary>
    /// ssh's "UNPROTECTED PRIVATE KEY FILE" rule: returns an error message when group or others may read or write
    /// <paramref name="path"/>, else null. Separate from <see cref="SshPrivateKey.Load"/> so that the caller decides
    /// whether to refuse (the CLI does) or merely warn.
    /// </summary>
    public static string? CheckPrivateKeyPermissions(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        var mode = File.GetUnixFileMode(path);
        const UnixFileMode open = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                                  UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((mode & open) == 0) return null;
        return "permissions " + Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0') + " for '" + path +
               "' are too open; the private key must not be accessible by others (chmod 600 '" + path + "')";
    }

    private static void WriteNew(string path, string text, UnixFileMode mode, bool overwrite)
    {
        var options = new FileStreamOptions
        {
            Mode = overwrite ? FileMode.Create : FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        // The mode is applied at creation so that the secret never exists with wider permissions.
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
        }
        // UnixCreateMode is filtered by the umask and does not apply to a file that already existed.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, mode);
    }
}
