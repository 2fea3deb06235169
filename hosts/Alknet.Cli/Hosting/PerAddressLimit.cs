using System.Net;

namespace Alknet.Cli.Hosting;

/// <summary>
/// Counts open connections per remote address and refuses one beyond the limit. A lock around a dictionary is
/// enough: it is taken twice per connection, never per byte. Addresses are counted as given; normalise IPv4-mapped
/// IPv6 addresses first (<see cref="PeerAddress"/>).
/// </summary>
internal sealed class PerAddressLimit
{
    private readonly int _limit;
    private readonly Dictionary<IPAddress, int> _open = [];

    /// <param name="limit">Connections allowed per address at a time; 0 = unlimited.</param>
    public PerAddressLimit(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _limit = limit;
    }

    public int Limit => _limit;

    /// <summary>Counts one more connection from <paramref name="address"/>, or returns false when it already holds the limit.</summary>
    public bool TryAcquire(IPAddress address)
    {
        if (_limit == 0) return true;
        lock (_open)
        {
            _open.TryGetValue(address, out int open);
            if (open >= _limit) return false;
            _open[address] = open + 1;
            return true;
        }
    }

    /// <summary>Gives back a connection counted by a successful <see cref="TryAcquire"/>.</summary>
    public void Release(IPAddress address)
    {
        if (_limit == 0) return;
        lock (_open)
        {
            // Dropping the entry at zero keeps the table as small as the set of addresses connected right now.
            if (!_open.TryGetValue(address, out int open)) return;
            if (open <= 1) _open.Remove(address);
            else _open[address] = open - 1;
        }
    }

    /// <summary>Connections counted for <paramref name="address"/> right now.</summary>
    public int OpenFrom(IPAddress address)
    {
        lock (_open) return _open.TryGetValue(address, out int open) ? open : 0;
    }
}
