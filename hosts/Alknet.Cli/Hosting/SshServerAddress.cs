namespace Alknet.Cli.Hosting;

/// <summary>Parses --server: HOST, HOST:PORT, [V6] or [V6]:PORT, port 22 by default.</summary>
internal static class SshServerAddress
{
    public static bool TryParse(string text, out string host, out ushort port, out string error)
    {
        bool hasPort = text.StartsWith('[') ? text.Contains("]:", StringComparison.Ordinal) : text.Count(c => c == ':') == 1;
        if (hasPort) return EndpointParser.TrySplit(text, out host, out port, out error);
        host = text.Trim('[', ']');
        port = 22;
        error = host.Length == 0 ? "empty host" : "";
        return host.Length > 0;
    }
}
