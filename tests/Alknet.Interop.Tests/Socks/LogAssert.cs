using System.Text.RegularExpressions;
using Alknet.Interop.Tests.Peers;

namespace Alknet.Interop.Tests.Socks;

/// <summary>
/// The security rule "tunnel destinations are never logged", checked on alknet's captured output. Target ports
/// come from <see cref="FreePort"/> (below the ephemeral range) and host names are unique per test, so a match
/// can only be the destination leaking, not a coincidence with a peer's source port.
/// </summary>
public static class LogAssert
{
    /// <summary>Fails if alknet's output contains any of the given host names or addresses, or a port as a whole number.</summary>
    public static void NoDestination(AlknetProcess alknet, IEnumerable<string> hosts, IEnumerable<int> ports)
    {
        var output = alknet.Output;
        var leaks = FindLeaks(output, hosts, ports);
        Assert.That(leaks, Is.Empty, $"alknet logged a tunnel destination:\n{output}");
    }

    /// <summary>Fails if alknet's output contains <paramref name="port"/> as a whole number.</summary>
    public static void NoDestinationPort(AlknetProcess alknet, int port) => NoDestination(alknet, [], [port]);

    /// <summary>The hosts (case-insensitive substrings) and ports (whole numbers) that occur in <paramref name="output"/>.</summary>
    public static IReadOnlyList<string> FindLeaks(string output, IEnumerable<string> hosts, IEnumerable<int> ports)
    {
        var leaks = new List<string>();
        foreach (var host in hosts)
        {
            if (output.Contains(host, StringComparison.OrdinalIgnoreCase))
            {
                leaks.Add(host);
            }
        }

        foreach (var port in ports)
        {
            // A port is a whole number: 24321 must not match inside 124321 or 2432100.
            if (Regex.IsMatch(output, $@"(?<!\d){port}(?!\d)"))
            {
                leaks.Add(port.ToString());
            }
        }

        return leaks;
    }
}
