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

