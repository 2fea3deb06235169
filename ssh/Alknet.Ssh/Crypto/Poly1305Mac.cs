namespace Alknet.Ssh.Crypto;

/// <summary>
/// A reusable Poly1305 one-time authenticator (RFC 8439 §2.5) over one OpenSSL EVP_MAC_CTX. Each message gets a
/// fresh 32-byte key through <see cref="Init"/>; the context itself is allocated once.
/// </summary>
internal sealed unsafe class Poly1305Mac : IDisposable
{
    public const int KeySize = 32;
    public const int TagSize = 16;

    private readonly EvpMacCtxHandle _ctx;

    public Poly1305Mac() => _ctx = EvpMacCtxHandle.Create(LibCrypto.Poly1305Algorithm);

    /// <summary>Starts a new message under the one-time <paramref name="key"/>.</summary>
    public void Init(ReadOnlySpan<byte> key)
    {
        LibCrypto.CheckLength(key.Length, KeySize, nameof(key));
        bool added = false;
        _ctx.DangerousAddRef(ref added);
        try
        {
            fixed (byte* k = key)
            {
                if (LibCrypto.EVP_MAC_init(_ctx.DangerousGetHandle(), k, KeySize, 0) != 1)
                {
                    LibCrypto.ThrowFailure("EVP_MAC_init(POLY1305)");
                }
            }
        }
        finally
        {
            _ctx.DangerousRelease();
        }
    }

    public void Update(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        bool added = false;
        _ctx.DangerousAddRef(ref added);
        try
        {
            fixed (byte* d = data)
            {
                if (LibCrypto.EVP_MAC_update(_ctx.DangerousGetHandle(), d, (nuint)data.Length) != 1)
                {
                    LibCrypto.ThrowFailure("EVP_MAC_update(POLY1305)");
                }
            }
        }
        finally
        {
            _ctx.DangerousRelease();
        }
    }

    /// <summary>Writes the 16-byte tag. Call <see cref="Init"/> again before the next message.</summary>
    public void Final(Span<byte> tag)
    {
        LibCrypto.CheckLength(tag.Length, TagSize, nameof(tag));
        bool added = false;
        _ctx.DangerousAddRef(ref added);
        try
        {
            fixed (byte* t = tag)
            {
                nuint length = 0;
                if (LibCrypto.EVP_MAC_final(_ctx.DangerousGetHandle(), t, &length, TagSize) != 1 || length != TagSize)
                {
                    LibCrypto.ThrowFailure("EVP_MAC_final(POLY1305)");
                }
            }
        }
        finally
        {
            _ctx.DangerousRelease();
        }
    }

    /// <summary>
    /// Init, update and final in one: the tag of <paramref name="data"/> under the one-time <paramref name="key"/>,
    /// with one reference on the handle instead of three, and, for up to <see cref="LibCrypto.ShortMacInput"/> bytes,
    /// without the GC transitions.
    /// </summary>
    public void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> tag)
    {
        LibCrypto.CheckLength(key.Length, KeySize, nameof(key));
        LibCrypto.CheckLength(tag.Length, TagSize, nameof(tag));
        bool added = false;
        _ctx.DangerousAddRef(ref added);
        try
        {
            nint ctx = _ctx.DangerousGetHandle();
            bool brief = data.Length <= LibCrypto.ShortMacInput;
            fixed (byte* k = key)
            fixed (byte* d = data)
            fixed (byte* t = tag)
            {
                nuint length = 0;
                if (LibCrypto.EVP_MAC_initShort(ctx, k, KeySize, 0) != 1)
                {
                    LibCrypto.ThrowFailure("EVP_MAC_init(POLY1305)");
                }

                if (!data.IsEmpty &&
                    (brief ? LibCrypto.EVP_MAC_updateShort(ctx, d, (nuint)data.Length) : LibCrypto.EVP_MAC_update(ctx, d, (nuint)data.Length)) != 1)
                {
                    LibCrypto.ThrowFailure("EVP_MAC_update(POLY1305)");
                }

                if (LibCrypto.EVP_MAC_finalShort(ctx, t, &length, TagSize) != 1 || length != TagSize)
                {
                    LibCrypto.ThrowFailure("EVP_MAC_final(POLY1305)");
                }
            }
        }
        finally
        {
            _ctx.DangerousRelease();
        }
    }

    public void Dispose() => _ctx.Dispose();
}
