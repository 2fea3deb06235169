using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Alknet.Engine.Socks5;

/// <summary>
/// RFC 1929 §2, the client's username/password request:
/// <c>VER(1)=1 ULEN(1)=1..255 UNAME(ULEN) PLEN(1) PASSWD(PLEN)</c>.
/// </summary>
/// <remarks>
/// Both fields are held inline so parsing allocates nothing and no credential lingers on the heap.
/// A zero-length user name is malformed; a zero-length password is accepted (some clients send
/// <c>user:</c>) and simply fails authentication unless the configured password matches it.
/// <see cref="ToString"/> is redacted.
/// </remarks>
public readonly record struct Socks5UserPassRequest : IWireMessage<Socks5UserPassRequest>
{
    public const int MaxFieldLength = 255;

    /// <summary>VER + ULEN + 255 + PLEN + 255.</summary>
    public const int MaxLength = 3 + (2 * MaxFieldLength);

    private readonly Field _userName;
    private readonly Field _password;
    private readonly byte _userNameLength;
    private readonly byte _passwordLength;

    public Socks5UserPassRequest(ReadOnlySpan<byte> userName, ReadOnlySpan<byte> password)
    {
        if (userName.IsEmpty || userName.Length > MaxFieldLength)
        {
            throw new ArgumentException("A user name is 1 to 255 octets long.", nameof(userName));
        }

        if (password.Length > MaxFieldLength)
        {
            throw new ArgumentException("A password is at most 255 octets long.", nameof(password));
        }

        userName.CopyTo(_userName);
        password.CopyTo(_password);
        _userNameLength = (byte)userName.Length;
        _passwordLength = (byte)password.Length;
    }

    [UnscopedRef]
    public ReadOnlySpan<byte> UserName => ((ReadOnlySpan<byte>)_userName)[.._userNameLength];

    [UnscopedRef]
    public ReadOnlySpan<byte> Password => ((ReadOnlySpan<byte>)_password)[.._passwordLength];

    public static bool TryParse(ref SequenceReader<byte> reader, out Socks5UserPassRequest value)
    {
        value = default;
        var r = reader;
        if (!r.TryRead(out var version))
        {
            return false;
        }

        if (version != Socks5Constants.UserPassVersion)
        {
            Socks5ThrowHelper.ThrowBadAuthVersion();
        }

        if (!r.TryRead(out var userLength))
        {
            return false;
        }

        if (userLength == 0)
        {
            Socks5ThrowHelper.ThrowEmptyUserName();
        }

        Span<byte> user = stackalloc byte[MaxFieldLength];
        user = user[..userLength];
        if (!r.TryCopyTo(user))
        {
            return false;
        }

        r.Advance(userLength);
        if (!r.TryRead(out var passwordLength))
        {
            return false;
        }

        Span<byte> password = stackalloc byte[MaxFieldLength];
        password = password[..passwordLength];
        if (!r.TryCopyTo(password))
        {
            return false;
        }

        r.Advance(passwordLength);
        value = new Socks5UserPassRequest(user, password);
        CryptographicOperations.ZeroMemory(password);
        reader = r;
        return true;
    }

    public void Write(IBufferWriter<byte> output)
    {
        var length = 3 + _userNameLength + _passwordLength;
        var span = output.GetSpan(length);
        span[0] = Socks5Constants.UserPassVersion;
        span[1] = _userNameLength;
        UserName.CopyTo(span[2..]);
        span[2 + _userNameLength] = _passwordLength;
        Password.CopyTo(span[(3 + _userNameLength)..]);
        output.Advance(length);
    }

    public bool Equals(Socks5UserPassRequest other) =>
        UserName.SequenceEqual(other.UserName) && Password.SequenceEqual(other.Password);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(UserName);
        return hash.ToHashCode();
    }

    /// <summary>Redacted: credentials never reach a log line.</summary>
    public override string ToString() => nameof(Socks5UserPassRequest);

    [InlineArray(MaxFieldLength)]
    private struct Field
    {
        private byte _element0;
    }
}
