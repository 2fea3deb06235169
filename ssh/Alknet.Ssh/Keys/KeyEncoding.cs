using System.Buffers;
using System.Numerics;
using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Keys;

/// <summary>Small shared routines of the key classes: building blobs, mpint and integer conversions, error mapping.</summary>
internal static class KeyEncoding
{
    public delegate void BlobWriter<TState>(ref SshWriter writer, TState state);

    /// <summary>Writes a blob with <paramref name="write"/> and returns it as an exact-size array.</summary>
    public static byte[] Build<TState>(TState state, BlobWriter<TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var w = new SshWriter(buffer);
        write(ref w, state);
        w.Commit();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Left-pads (or strips leading zeros from) an unsigned big-endian number to exactly <paramref name="length"/> bytes.</summary>
    public static byte[] FixedLength(ReadOnlySpan<byte> magnitude, int length)
    {
        int i = 0;
        while (i < magnitude.Length && magnitude[i] == 0) i++;
        magnitude = magnitude[i..];
        if (magnitude.Length > length) throw new FormatException("integer longer than its field");
        var result = new byte[length];
        magnitude.CopyTo(result.AsSpan(length - magnitude.Length));
        return result;
    }

    public static BigInteger ToBigInteger(ReadOnlySpan<byte> unsignedBigEndian) =>
        new(unsignedBigEndian, isUnsigned: true, isBigEndian: true);

    public static byte[] FromBigInteger(BigInteger value, int length) =>
        FixedLength(value.ToByteArray(isUnsigned: true, isBigEndian: true), length);

    /// <summary>The number of significant bits in an unsigned big-endian integer.</summary>
    public static int BitLength(ReadOnlySpan<byte> magnitude)
    {
        int i = 0;
        while (i < magnitude.Length && magnitude[i] == 0) i++;
        if (i == magnitude.Length) return 0;
        return (magnitude.Length - i - 1) * 8 + (32 - BitOperations.LeadingZeroCount((uint)magnitude[i]));
    }

    /// <summary>Maps the wire reader's protocol exception to the <see cref="FormatException"/> that key parsing promises.</summary>
    public static FormatException Malformed(string what, Exception? inner = null) => new("malformed " + what, inner);
}
