namespace Alknet.Ssh.Keys;

/// <summary>A key file that cannot be used: unreadable, malformed, unsupported, or in a format we refuse.</summary>
public class SshKeyFileException : Exception
{
    public SshKeyFileException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The passphrase did not decrypt the key file (the check integers or the GCM tag did not match).</summary>
public sealed class IncorrectPassphraseException : SshKeyFileException
{
    public IncorrectPassphraseException() : base("incorrect passphrase") { }
}
