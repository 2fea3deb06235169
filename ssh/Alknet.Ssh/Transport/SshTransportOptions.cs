using Microsoft.Extensions.Logging;

namespace Alknet.Ssh.Transport;

/// <summary>Transport settings shared by both roles.</summary>
public class SshTransportOptions
{
    /// <summary>The software version in the banner: SSH-2.0-{SoftwareVersion}. Must not start with "OpenSSH".</summary>
    public string SoftwareVersion { get; init; } = "Alknet_0.1";

    public SshAlgorithmOptions Algorithms { get; init; } = new();

    /// <summary>Rekey after this many bytes in either direction (OpenSSH RekeyLimit; default 1 GiB).</summary>
    public long RekeyBytes { get; init; } = 1L << 30;

    /// <summary>Rekey after this much time (default 1 hour).</summary>
    public TimeSpan RekeyInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Bytes of outgoing messages held while a key exchange runs; writers wait beyond it.</summary>
    public int MaxQueuedBytesDuringKex { get; init; } = 1 << 20;

    public ILogger? Logger { get; init; }
}
