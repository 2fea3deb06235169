namespace Alknet.Ssh.Keys;

/// <summary>A line of an authorized_keys (or CA keys) file that cannot be parsed; the message names the line.</summary>
public sealed class AuthorizedKeysFormatException : FormatException
{
    public AuthorizedKeysFormatException(int lineNumber, string message)
        : base("line " + lineNumber + ": " + message) => LineNumber = lineNumber;

    public int LineNumber { get; }
}
