using System.Globalization;

namespace Alknet.Cli.Hosting;

/// <summary>
/// ALKNET_PEER_WINDOW: a measurement knob, not a supported setting. It overrides the channel receive window
/// advertised to Alknet peers (SshConnectionOptions.AlknetPeerWindowSize), in bytes or with a K or M suffix
/// ("2M", "8M", "16M"), so that bench/window can compare windows without rebuilding. OpenSSH peers always get
/// OpenSSH's own 2 MiB. See docs/decisions/channel-window.md.
/// </summary>
internal static class PeerWindowOverride
{
    public const string Variable = "ALKNET_PEER_WINDOW";

    /// <summary>The override, or <paramref name="fallback"/> when the variable is unset or not a window size.</summary>
    public static uint Get(uint fallback)
    {
        var text = Environment.GetEnvironmentVariable(Variable);
        return TryParse(text, out var window) ? window : fallback;
    }

    internal static bool TryParse(string? text, out uint window)
    {
        window = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        long unit = 1;
        if (text.EndsWith('K') || text.EndsWith('k')) unit = 1024;
        else if (text.EndsWith('M') || text.EndsWith('m')) unit = 1024 * 1024;
        if (unit != 1) text = text[..^1];
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return false;
        long bytes = value * unit;
        // At least one maximum-size packet; at most what RFC 4254's uint32 window can say.
        if (bytes < 32 * 1024 || bytes > uint.MaxValue) return false;
        window = (uint)bytes;
        return true;
    }
}
