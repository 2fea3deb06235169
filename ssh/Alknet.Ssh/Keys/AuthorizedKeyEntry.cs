namespace Alknet.Ssh.Keys;

/// <summary>One key line of an authorized_keys file.</summary>
public sealed class AuthorizedKeyEntry
{
    internal AuthorizedKeyEntry(int lineNumber, SshPublicKey key, string? comment, AuthorizedKeyOptions options)
    {
        LineNumber = lineNumber;
        Key = key;
        Comment = comment;
        Options = options;
    }

    /// <summary>1-based line number in the file (for log messages).</summary>
    public int LineNumber { get; }
    public SshPublicKey Key { get; }
    public string? Comment { get; }
    public AuthorizedKeyOptions Options { get; }
}

/// <summary>A line of an authorized_keys (or CA keys) file that cannot be parsed; the message names the line.</summary>
public sealed class AuthorizedKeysFormatException : FormatException
{
    public AuthorizedKeysFormatException(int lineNumber, string message)
        : base("line " + lineNumber + ": " + message) => LineNumber = lineNumber;

    public int LineNumber { get; }
}
