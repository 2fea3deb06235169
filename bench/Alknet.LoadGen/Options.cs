using System.Globalization;
using System.Net;

namespace Alknet.LoadGen;

/// <summary>"--name value" options; every mode reads what it needs and rejects what it does not know.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public Options(IEnumerable<string> args)
    {
        string? pending = null;
        foreach (var arg in args)
        {
            if (pending is null)
            {
                if (!arg.StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"unexpected argument '{arg}'");
                }

                pending = arg;
            }
            else
            {
                _values[pending] = arg;
                pending = null;
            }
        }

        if (pending is not null)
        {
            throw new UsageException($"{pending} needs a value");
        }
    }

    public string? String(string name)
    {
        _used.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public string RequiredString(string name) => String(name) ?? throw new UsageException($"{name} is required");

    public int Int(string name, int fallback)
    {
        var text = String(name);
        return text is null ? fallback : int.Parse(text, CultureInfo.InvariantCulture);
    }

    public double Double(string name, double fallback)
    {
        var text = String(name);
        return text is null ? fallback : double.Parse(text, CultureInfo.InvariantCulture);
    }

    public EndPoint EndPoint(string name, string? fallback = null) => ParseEndPoint(String(name) ?? fallback ?? throw new UsageException($"{name} is required"));

    /// <summary>Fails on options that no part of the chosen mode asked for (typos must not silently change a run).</summary>
    public void RejectUnknown()
    {
        foreach (var key in _values.Keys)
        {
            if (!_used.Contains(key))
            {
                throw new UsageException($"unknown option {key}");
            }
        }
    }

    /// <summary>host:port, [v6]:port, or v4:port. A host name stays a name so the proxy resolves it (ATYP 3).</summary>
    public static EndPoint ParseEndPoint(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new UsageException($"'{text}' is not host:port");
        }

        var host = text[..colon].Trim('[', ']');
        return IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
    }
}

internal sealed class UsageException(string message) : Exception(message);
