using System.Security.Cryptography;
using System.Text;

namespace Alknet.Engine.Socks5;

/// <summary>
/// The user name and password a SOCKS5 server accepts (RFC 1929), kept as UTF-8 octets.
/// </summary>
/// <remarks>
/// <see cref="Matches"/> runs in constant time with respect to the contents and the lengths of both
/// fields: both sides are compared as fixed 256-octet blocks (length octet + 255 octets, zero padded),
/// so neither a wrong prefix nor a wrong length returns early.
/// </remarks>
public sealed class Socks5Credentials
{
    private const int BlockLength = 1 + Socks5UserPassRequest.MaxFieldLength;

    private readonly byte[] _userBlock = new byte[BlockLength];
    private readonly byte[] _passwordBlock = new byte[BlockLength];

    public Socks5Credentials(string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        Fill(_userBlock, userName, nameof(userName));
        Fill(_passwordBlock, password, nameof(password));
        if (_userBlock[0] == 0)
        {
            throw new ArgumentException("The user name must not be empty.", nameof(userName));
        }
    }

    /// <summary>Constant-time check of a received user name and password.</summary>
    public bool Matches(ReadOnlySpan<byte> userName, ReadOnlySpan<byte> password)
    {
        if (userName.Length > Socks5UserPassRequest.MaxFieldLength || password.Length > Socks5UserPassRequest.MaxFieldLength)
        {
            return false;
        }

        Span<byte> block = stackalloc byte[BlockLength];
        ToBlock(block, userName);
        var userOk = CryptographicOperations.FixedTimeEquals(block, _userBlock);
        ToBlock(block, password);
        var passwordOk = CryptographicOperations.FixedTimeEquals(block, _passwordBlock);
        CryptographicOperations.ZeroMemory(block);

        // Non-short-circuit '&': the password is compared even when the user name is wrong.
        return userOk & passwordOk;
    }

    private static void ToBlock(Span<byte> block, ReadOnlySpan<byte> value)
    {
        block.Clear();
        block[0] = (byte)value.Length;
        value.CopyTo(block[1..]);
    }

    private static void Fill(byte[] block, string value, string parameter)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        if (count > Socks5UserPassRequest.MaxFieldLength)
        {
            throw new ArgumentException("RFC 1929 limits the field to 255 octets.", parameter);
        }

        block[0] = (byte)count;
        Encoding.UTF8.GetBytes(value, block.AsSpan(1));
    }

    /// <summary>Redacted: credentials never reach a log line.</summary>
    public override string ToString() => nameof(Socks5Credentials);
}
