using System.Globalization;
using System.Net;

namespace Alknet.Cli.Hosting;

/// <summary>Parses the "host:port" and "[v6]:port" forms the command line accepts.</summary>
internal static class EndpointParser
{
    /// <summary>Splits "host:port", "[v6]:port" or "v4:port". Returns false with a reason on bad input.</summary>
    public static bool TrySplit(string text, out string host, out ushort port, out string error)
    {
        host = "";
        port = 0;
        error = "";
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = $"'{text}' is not HOST:PORT";
            return false;
        }
        host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        else if (host.Contains(':'))
        {
            error = $"'{text}': write IPv6 addresses in brackets, as [::1]:1080";
            return false;
        }
        if (host.Length == 0)
        {
            error = $"'{text}' has an empty host";
            return false;
        }
        if (!ushort.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            error = $"'{text}' has an invalid port (0-65535)";
            return false;
        }
        return true;
    }

    /// <summary>Parses a listen address: an IP literal (or "localhost") and a port.</summary>
    public static bool TryParseListen(string text, out IPEndPoint endpoint, out string error)
    {
        endpoint = new IPEndPoint(IPAddress.Loopback, 0);
        if (!TrySplit(text, out var host, out var port, out error)) return false;
        IPAddress? address;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) address = IPAddress.Loopback;
        else if (host == "*") address = IPAddress.IPv6Any;
        else if (!IPAddress.TryParse(host, out address))
        {
            error = $"'{text}': the listen address must be an IP address (for example 127.0.0.1:1080 or [::]:1080)";
            return false;
        }
        endpoint = new IPEndPoint(address, port);
        return true;
    }
}
