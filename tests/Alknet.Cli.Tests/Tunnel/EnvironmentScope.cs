namespace Alknet.Cli.Tests.Tunnel;

/// <summary>Sets (or clears) environment variables for one test and puts the previous values back.</summary>
internal sealed class EnvironmentScope : IDisposable
{
    private readonly Dictionary<string, string?> _saved = [];

    public EnvironmentScope(params (string Name, string? Value)[] variables)
    {
        foreach (var (name, value) in variables) Set(name, value);
    }

    /// <summary>Clears every variable alknet connect reads, so the developer's own settings cannot leak in.</summary>
    public static EnvironmentScope Clean(params (string Name, string? Value)[] variables)
    {
        var scope = new EnvironmentScope(
            ("ALKNET_SERVER", null), ("ALKNET_IDENTITY", null), ("ALKNET_SOCKS5_LISTEN", null), ("ALKNET_SOCKS5_USER", null),
            ("ALKNET_SOCKS5_PASS", null), ("ALKNET_PROXY", null), ("ALKNET_LOG_LEVEL", null));
        foreach (var (name, value) in variables) scope.Set(name, value);
        return scope;
    }

    public void Set(string name, string? value)
    {
        _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
    }
}
