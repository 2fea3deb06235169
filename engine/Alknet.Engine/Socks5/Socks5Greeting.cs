using System.Buffers;

namespace Alknet.Engine.Socks5;

/// <summary>
/// RFC 1928 §3, the client's version identifier/method selection message:
/// <c>VER(1)=5 NMETHODS(1)=1..255 METHODS(NMETHODS)</c>.
/// </summary>
/// <remarks>
/// The offered methods are kept as a 256-bit set: order and duplicates carry no meaning (the server picks),
/// and a set needs no allocation. <see cref="Write"/> emits the methods in ascending order.
/// </remarks>
public readonly record struct Socks5Greeting : IWireMessage<Socks5Greeting>
{
    /// <summary>VER + NMETHODS + 255 methods.</summary>
    public const int MaxLength = 2 + 255;

    private readonly ulong _set0;
    private readonly ulong _set1;
    private readonly ulong _set2;
    private readonly ulong _set3;

    public Socks5Greeting(ReadOnlySpan<Socks5AuthMethod> methods)
    {
        foreach (var method in methods)
        {
            Add(ref this, (byte)method);
        }
    }

    private Socks5Greeting(ulong s0, ulong s1, ulong s2, ulong s3) => (_set0, _set1, _set2, _set3) = (s0, s1, s2, s3);

    /// <summary>How many distinct methods are offered.</summary>
    public int Count =>
        System.Numerics.BitOperations.PopCount(_set0) + System.Numerics.BitOperations.PopCount(_set1)
        + System.Numerics.BitOperations.PopCount(_set2) + System.Numerics.BitOperations.PopCount(_set3);

    public bool Offers(Socks5AuthMethod method)
    {
        var m = (byte)method;
        var word = (m >> 6) switch { 0 => _set0, 1 => _set1, 2 => _set2, _ => _set3 };
        return (word & (1UL << (m & 63))) != 0;
    }

    public static bool TryParse(ref SequenceReader<byte> reader, out Socks5Greeting value)
    {
        value = default;
        var r = reader;
        if (!r.TryRead(out var version))
        {
            return false;
        }

        if (version != Socks5Constants.Version)
        {
            Socks5ThrowHelper.ThrowBadVersion();
        }

        if (!r.TryRead(out var count))
        {
            return false;
        }

        if (count == 0)
        {
            Socks5ThrowHelper.ThrowNoMethods();
        }

        if (r.Remaining < count)
        {
            return false;
        }

        var set = default(Socks5Greeting);
        for (var i = 0; i < count; i++)
        {
            r.TryRead(out var method);
            Add(ref set, method);
        }

        value = set;
        reader = r;
        return true;
    }

    public void Write(IBufferWriter<byte> output)
    {
        var count = Count;
        if (count == 0)
        {
            throw new InvalidOperationException("A method-selection message offers at least one method.");
        }

        var span = output.GetSpan(2 + count);
        span[0] = Socks5Constants.Version;
        span[1] = (byte)count;
        var n = 2;
        for (var m = 0; m < 256; m++)
        {
            if (Offers((Socks5AuthMethod)m))
            {
                span[n++] = (byte)m;
            }
        }

        output.Advance(n);
    }

    private static void Add(ref Socks5Greeting set, byte method)
    {
        var bit = 1UL << (method & 63);
        set = (method >> 6) switch
        {
            0 => new Socks5Greeting(set._set0 | bit, set._set1, set._set2, set._set3),
            1 => new Socks5Greeting(set._set0, set._set1 | bit, set._set2, set._set3),
            2 => new Socks5Greeting(set._set0, set._set1, set._set2 | bit, set._set3),
            _ => new Socks5Greeting(set._set0, set._set1, set._set2, set._set3 | bit),
        };
    }
}
