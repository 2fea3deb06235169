using System.Buffers;

namespace Alknet.Engine.Socks5;

/// <summary>
/// A message of a stream protocol with the false-means-more parse contract: <see cref="TryParse"/> returns
/// false when the bytes are incomplete, consuming nothing and allocating nothing, and throws the protocol's
/// exception on malformed input.
/// </summary>
public interface IWireMessage<TSelf>
    where TSelf : struct, IWireMessage<TSelf>
{
    static abstract bool TryParse(ref SequenceReader<byte> reader, out TSelf value);

    void Write(IBufferWriter<byte> output);
}
