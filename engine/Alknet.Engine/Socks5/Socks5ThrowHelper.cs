using System.Diagnostics.CodeAnalysis;

namespace Alknet.Engine.Socks5;

/// <summary>
/// Throw sites kept out of the parsers so that their hot paths stay small and inlinable.
/// </summary>
internal static class Socks5ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowBadVersion() =>
        throw new Socks5Exception(Socks5ReplyCode.GeneralFailure, "Unsupported SOCKS protocol version.");

    [DoesNotReturn]
    public static void ThrowBadAuthVersion() =>
        throw new Socks5Exception(Socks5ReplyCode.GeneralFailure, "Unsupported username/password subnegotiation version.");

    [DoesNotReturn]
    public static void ThrowNoMethods() =>
        throw new Socks5Exception(Socks5ReplyCode.GeneralFailure, "The method-selection message offers no methods.");

    [DoesNotReturn]
    public static void ThrowEmptyUserName() =>
        throw new Socks5Exception(Socks5ReplyCode.GeneralFailure, "The username/password request has an empty user name.");

    [DoesNotReturn]
    public static void ThrowCommandNotSupported() =>
        throw new Socks5Exception(Socks5ReplyCode.CommandNotSupported, "Unknown SOCKS5 command.");

    [DoesNotReturn]
    public static void ThrowAddressTypeNotSupported() =>
        throw new Socks5Exception(Socks5ReplyCode.AddressTypeNotSupported, "Unknown SOCKS5 address type.");

    [DoesNotReturn]
    public static void ThrowEmptyDomain() =>
        throw new Socks5Exception(Socks5ReplyCode.GeneralFailure, "Zero-length domain name.");
}
