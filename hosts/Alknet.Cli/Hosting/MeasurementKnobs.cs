using System.Globalization;
using Alknet.Ssh.Transport;

namespace Alknet.Cli.Hosting;

/// <summary>
/// Environment variables that exist for measurement, not as supported settings: the bench scripts compare values
/// with them without rebuilding. Sizes are in bytes or with a K or M suffix ("128K", "16M"); a value that does not
/// parse or is out of range is ignored.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>ALKNET_PEER_WINDOW</c>: the channel receive window advertised to Alknet peers
/// (SshConnectionOptions.AlknetPeerWindowSize), 32 KiB to 2^32 − 1; OpenSSH peers always get OpenSSH's own 2 MiB
/// (docs/decisions/channel-window.md).</item>
/// <item><c>ALKNET_SESSION_BLOCK</c>: the receive block of SSH session sockets, 32 KiB to 1 MiB
/// (docs/decisions/session-socket.md).</item>
/// </list>
/// </remarks>
internal static class MeasurementKnobs
{
    public const string PeerWindowVariable = "ALKNET_PEER_WINDOW";
    public const string SessionBlockVariable = "ALKNET_SESSION_BLOCK";

    private static readonly Lazy<SshSocketTuning> Session = new(() =>
        TryParseSize(Environment.GetEnvironmentVariable(SessionBlockVariable), 32 * 1024, 1024 * 1024, out var block) && block != SshSocketTuning.DefaultBlockSize
            ? new SshSocketTuning((int)block)
            : SshSocketTuning.Default);

    /// <summary>The peer-window override, or <paramref name="fallback"/>.</summary>
    public static uint PeerWindow(uint fallback) =>
        TryParseSize(Environment.GetEnvironmentVariable(PeerWindowVariable), 32 * 1024, uint.MaxValue, out var window) ? (uint)window : fallback;

    /// <summary>The session-socket tuning: <see cref="SshSocketTuning.Default"/> unless the block size is overridden.</summary>
    public static SshSocketTuning SessionSocket => Session.Value;

    internal static bool TryParseSize(string? text, long min, long max, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        long unit = 1;
        if (text.EndsWith('K') || text.EndsWith('k')) unit = 1024;
        else if (text.EndsWith('M') || text.EndsWith('m')) unit = 1024 * 1024;
        if (unit != 1) text = text[..^1];
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > max / unit) return false;
        bytes = value * unit;
        return bytes >= min && bytes <= max;
    }
}
