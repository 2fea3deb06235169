using Microsoft.Win32.SafeHandles;

namespace Alknet.Ssh.Crypto;

/// <summary>Owns an OpenSSL EVP_CIPHER_CTX; freed exactly once, even if the owner is never disposed.</summary>
internal sealed class EvpCipherCtxHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public EvpCipherCtxHandle()
        : base(ownsHandle: true)
    {
    }

    public static EvpCipherCtxHandle Create()
    {
        var handle = new EvpCipherCtxHandle();
        handle.SetHandle(LibCrypto.EVP_CIPHER_CTX_new());
        if (handle.IsInvalid)
        {
            LibCrypto.ThrowFailure("EVP_CIPHER_CTX_new");
        }

        return handle;
    }

    protected override bool ReleaseHandle()
    {
        LibCrypto.EVP_CIPHER_CTX_free(handle);
        return true;
    }
}

/// <summary>Owns an OpenSSL EVP_MAC_CTX; freed exactly once, even if the owner is never disposed.</summary>
internal sealed class EvpMacCtxHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public EvpMacCtxHandle()
        : base(ownsHandle: true)
    {
    }

    public static EvpMacCtxHandle Create(nint mac)
    {
        var handle = new EvpMacCtxHandle();
        handle.SetHandle(LibCrypto.EVP_MAC_CTX_new(mac));
        if (handle.IsInvalid)
        {
            LibCrypto.ThrowFailure("EVP_MAC_CTX_new");
        }

        return handle;
    }

    protected override bool ReleaseHandle()
    {
        LibCrypto.EVP_MAC_CTX_free(handle);
        return true;
    }
}
