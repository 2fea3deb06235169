using System.Net;
using Alknet.Engine.Socks5;

namespace Alknet.Cli.Hosting;

/// <summary>
/// The rules every command that opens a SOCKS5 port shares: username and password come together, and a
/// non-loopback listener without them is refused unless --allow-open says so (an open proxy on the internet is
/// abused within hours).
/// </summary>
internal static class Socks5ListenGuard
{
    public static bool TryBuildCredentials(string? user, string? pass, string userFlag, string passFlag,
        out Socks5Credentials? credentials, out string error)
    {
        credentials = null;
        error = "";
        if (string.IsNullOrEmpty(user) != string.IsNullOrEmpty(pass))
        {
            error = $"{userFlag} and {passFlag} go together: give both or neither";
            return false;
        }
        if (string.IsNullOrEmpty(user)) return true;
        try
        {
            credentials = new Socks5Credentials(user, pass!);
            return true;
        }
        catch (ArgumentException e)
        {
            error = $"{userFlag}/{passFlag}: {e.Message}";
            return false;
        }
    }

    public static bool TryAllowListen(IPEndPoint endpoint, Socks5Credentials? credentials, bool allowOpen, string userFlag, string passFlag,
        out string error)
    {
        error = "";
        if (credentials is not null || IPAddress.IsLoopback(endpoint.Address) || allowOpen) return true;
        error = $"refusing to listen on {endpoint} without authentication: that is an open proxy. " +
                $"Set {userFlag} and {passFlag} (or ALKNET_SOCKS5_USER/ALKNET_SOCKS5_PASS), listen on loopback, or pass --allow-open.";
        return false;
    }
}
