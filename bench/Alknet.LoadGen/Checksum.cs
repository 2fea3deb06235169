namespace Alknet.LoadGen;

/// <summary>FNV-1a 64-bit: order-sensitive, so a reordered or substituted byte in the echo is caught.</summary>
internal static class Checksum
{
    public static ulong Of(ReadOnlySpan<byte> data)
    {
        var state = 14695981039346656037UL;
        foreach (var b in data)
        {
            state = (state ^ b) * 1099511628211UL;
        }

        return state;
    }
}
