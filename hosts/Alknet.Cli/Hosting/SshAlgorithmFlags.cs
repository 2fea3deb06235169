using System.CommandLine;
using Alknet.Ssh.Transport;

namespace Alknet.Cli.Hosting;

/// <summary>The --kex, --ciphers, --macs and --host-key-algorithms flags shared by the SSH commands.</summary>
internal sealed class SshAlgorithmFlags
{
    private readonly Option<string> _kex = Make("--kex", "Key exchange algorithms", SshAlgorithmNames.SupportedKeyExchange);
    private readonly Option<string> _ciphers = Make("--ciphers", "Ciphers", SshAlgorithmNames.SupportedCiphers);
    private readonly Option<string> _macs = Make("--macs", "MACs (used only with the CTR ciphers)", SshAlgorithmNames.SupportedMacs);
    private readonly Option<string> _hostKeys = Make("--host-key-algorithms", "Host key signature algorithms", SshAlgorithmNames.SupportedHostKeyAlgorithms);

    public void AddTo(Command command)
    {
        command.Options.Add(_kex);
        command.Options.Add(_ciphers);
        command.Options.Add(_macs);
        command.Options.Add(_hostKeys);
    }

    public bool TryBuild(ParseResult parse, out SshAlgorithmOptions options, out string error)
    {
        options = new SshAlgorithmOptions();
        if (!Apply(parse, _kex, SshAlgorithmNames.SupportedKeyExchange, "key exchange", out var kex, out error)) return false;
        if (!Apply(parse, _ciphers, SshAlgorithmNames.SupportedCiphers, "cipher", out var ciphers, out error)) return false;
        if (!Apply(parse, _macs, SshAlgorithmNames.SupportedMacs, "MAC", out var macs, out error)) return false;
        if (!Apply(parse, _hostKeys, SshAlgorithmNames.SupportedHostKeyAlgorithms, "host key algorithm", out var hostKeys, out error)) return false;
        options = new SshAlgorithmOptions { KeyExchange = kex, Ciphers = ciphers, Macs = macs, HostKey = hostKeys };
        return true;
    }

    /// <summary>The --host-key-algorithms value as given (null when absent): whether it replaced the list or only
    /// edited it decides whether known_hosts may reorder it (HostKeyAlgorithmOrder.AppliesTo).</summary>
    public string? HostKeyAlgorithmsSpec(ParseResult parse) => parse.GetValue(_hostKeys);

    private static bool Apply(ParseResult parse, Option<string> option, IReadOnlyList<string> supported, string what, out List<string> list, out string error)
    {
        if (AlgorithmList.TryApply(parse.GetValue(option), supported, supported, what, out list, out error)) return true;
        error = $"{option.Name}: {error}";
        return false;
    }

    private static Option<string> Make(string name, string what, IReadOnlyList<string> supported) => new(name)
    {
        Description = $"{what}, in OpenSSH syntax: a,b replaces, +a appends, -a removes, ^a moves first. Default: {string.Join(",", supported)}",
        HelpName = "LIST",
    };
}
