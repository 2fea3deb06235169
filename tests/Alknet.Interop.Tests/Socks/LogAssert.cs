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
    /// <summary>Fails if the output contains any of the given host names or addresses, or a port as a whole number.</summary>
    public static void NoDestination(AlknetProcess alknet, IEnumerable<string> hosts, IEnumerable<int> ports)
    {
        var output = alknet.Output;
        foreach (var host in hosts)
        {
            Assert.That(output, Does.Not.Contain(host).IgnoreCase, $"alknet logged the destination host {host}:\n{output}");
        }

        foreach (var port in ports)
        {
            Assert.That(Regex.IsMatch(output, $@"(?<!\d){port}(?!\d)"), Is.False, $"alknet logged the destination port {port}:\n{output}");
        }
    }

    /// <summary>Fails if the output contains <paramref name="port"/> as a whole number.</summary>
    public static void NoDestinationPort(AlknetProcess alknet, int port) => NoDestination(alknet, [], [port]);
}
