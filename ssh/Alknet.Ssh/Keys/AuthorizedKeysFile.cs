using System.Globalization;
using System.Text;

namespace Alknet.Ssh.Keys;

/// <summary>
/// Parses OpenSSH's authorized_keys format: <c>[options] keytype base64 [comment]</c> per line, '#' comments and
/// blank lines ignored. Options are comma-separated, names case-insensitive, values double-quoted (spaces allowed
/// inside quotes, <c>\"</c> for a quote). Unknown options and malformed lines are errors naming the line, so a
/// typo never silently widens or narrows access. Lines with key types we do not support (ssh-dss, security keys)
/// are skipped and reported in <see cref="Warnings"/>, as sshd skips them.
/// </summary>
public sealed class AuthorizedKeysFile
{
    private AuthorizedKeysFile(IReadOnlyList<AuthorizedKeyEntry> entries, IReadOnlyList<string> warnings)
    {
        Entries = entries;
        Warnings = warnings;
    }

    public IReadOnlyList<AuthorizedKeyEntry> Entries { get; }
    public IReadOnlyList<string> Warnings { get; }

    public static AuthorizedKeysFile Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Parses the text; throws <see cref="AuthorizedKeysFormatException"/> for the first bad line.</summary>
    public static AuthorizedKeysFile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<AuthorizedKeyEntry>();
        var warnings = new List<string>();
        int lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var entry = ParseLine(line, lineNumber, warnings);
            if (entry is not null) entries.Add(entry);
        }
        return new AuthorizedKeysFile(entries, warnings);
    }

    private static bool LooksLikeKeyType(ReadOnlySpan<char> token) =>
        token.StartsWith("ssh-", StringComparison.Ordinal) || token.StartsWith("ecdsa-", StringComparison.Ordinal) ||
        token.StartsWith("sk-", StringComparison.Ordinal) || token.StartsWith("rsa-", StringComparison.Ordinal);

    private static bool IsSupportedKeyType(string type) => type is SshKeyAlgorithms.Ed25519 or SshKeyAlgorithms.Rsa
        or SshKeyAlgorithms.EcdsaNistP256 or SshKeyAlgorithms.EcdsaNistP384 or SshKeyAlgorithms.EcdsaNistP521;

    private static AuthorizedKeyEntry? ParseLine(string line, int lineNumber, List<string> warnings)
    {
        int firstEnd = 0;
        while (firstEnd < line.Length && line[firstEnd] is not (' ' or '\t')) firstEnd++;
        var options = AuthorizedKeyOptions.Default;
        string rest = line;
        if (!LooksLikeKeyType(line.AsSpan(0, firstEnd)))
        {
            options = new AuthorizedKeyOptions();
            int consumed = ParseOptions(line, lineNumber, options);
            rest = line[consumed..].TrimStart();
            if (rest.Length == 0) throw new AuthorizedKeysFormatException(lineNumber, "options are not followed by a key");
        }

        int typeEnd = rest.IndexOfAny([' ', '\t']);
        string type = typeEnd < 0 ? rest : rest[..typeEnd];
        if (typeEnd < 0) throw new AuthorizedKeysFormatException(lineNumber, "key type '" + SshPublicKey.Printable(type) + "' has no key data");
        if (!IsSupportedKeyType(type))
        {
            if (LooksLikeKeyType(type))
            {
                warnings.Add("line " + lineNumber + ": unsupported key type " + SshPublicKey.Printable(type) + " skipped");
                return null;
            }
            throw new AuthorizedKeysFormatException(lineNumber, "unknown key type or option '" + SshPublicKey.Printable(type) + "'");
        }
        SshPublicKey key;
        string? comment;
        try
        {
            key = SshPublicKey.ParseOpenSshLine(rest, out comment);
        }
        catch (FormatException e)
        {
            throw new AuthorizedKeysFormatException(lineNumber, e.Message);
        }
        if (key is SshCertificate)
            throw new AuthorizedKeysFormatException(lineNumber, "a certificate cannot be listed as a key; list its CA with cert-authority");
        if (options.Principals is not null && !options.CertAuthority)
            throw new AuthorizedKeysFormatException(lineNumber, "principals= is only valid with cert-authority");
        return new AuthorizedKeyEntry(lineNumber, key, comment, options);
    }

    /// <summary>Parses the option list at the start of <paramref name="line"/>; returns the index after it.</summary>
    private static int ParseOptions(string line, int lineNumber, AuthorizedKeyOptions o)
    {
        var permitOpen = new List<PermitOpen>();
        var permitListen = new List<PermitListen>();
        var environment = new List<string>();
        int i = 0;
        while (true)
        {
            int nameStart = i;
            while (i < line.Length && line[i] is not ('=' or ',' or ' ' or '\t' or '"')) i++;
            string name = line[nameStart..i].ToLowerInvariant();
            if (name.Length == 0) throw new AuthorizedKeysFormatException(lineNumber, "empty option name");
            string? value = null;
            if (i < line.Length && line[i] == '=')
            {
                i++;
                if (i >= line.Length || line[i] != '"')
                    throw new AuthorizedKeysFormatException(lineNumber, "option " + name + " value must be in double quotes");
                i++;
                var sb = new StringBuilder();
                bool closed = false;
                while (i < line.Length)
                {
                    char c = line[i];
                    if (c == '\\' && i + 1 < line.Length && line[i + 1] == '"')
                    {
                        sb.Append('"');
                        i += 2;
                        continue;
                    }
                    if (c == '"')
                    {
                        closed = true;
                        i++;
                        break;
                    }
                    sb.Append(c);
                    i++;
                }
                if (!closed) throw new AuthorizedKeysFormatException(lineNumber, "option " + name + " has an unterminated quote");
                value = sb.ToString();
            }
            else if (i < line.Length && line[i] == '"')
            {
                throw new AuthorizedKeysFormatException(lineNumber, "unexpected quote in option " + SshPublicKey.Printable(name));
            }

            ApplyOption(o, name, value, lineNumber, permitOpen, permitListen, environment);

            if (i >= line.Length) break;
            if (line[i] == ',')
            {
                i++;
                continue;
            }
            if (line[i] is ' ' or '\t') break;
            throw new AuthorizedKeysFormatException(lineNumber, "unexpected character after option " + name);
        }
        o.PermitOpen = permitOpen;
        o.PermitListen = permitListen;
        o.Environment = environment;
        return i;
    }

    private static void ApplyOption(AuthorizedKeyOptions o, string name, string? value, int lineNumber,
        List<PermitOpen> permitOpen, List<PermitListen> permitListen, List<string> environment)
    {
        switch (name)
        {
            case "restrict":
                Flag();
                o.Restrict = true;
                o.AllowPortForwarding = false;
                o.AllowPty = o.AllowAgentForwarding = o.AllowX11Forwarding = o.AllowUserRc = false;
                break;
            case "port-forwarding": Flag(); o.AllowPortForwarding = true; break;
            case "no-port-forwarding": Flag(); o.AllowPortForwarding = false; break;
            case "pty": Flag(); o.AllowPty = true; break;
            case "no-pty": Flag(); o.AllowPty = false; break;
            case "agent-forwarding": Flag(); o.AllowAgentForwarding = true; break;
            case "no-agent-forwarding": Flag(); o.AllowAgentForwarding = false; break;
            case "x11-forwarding": Flag(); o.AllowX11Forwarding = true; break;
            case "no-x11-forwarding": Flag(); o.AllowX11Forwarding = false; break;
            case "user-rc": Flag(); o.AllowUserRc = true; break;
            case "no-user-rc": Flag(); o.AllowUserRc = false; break;
            case "cert-authority": Flag(); o.CertAuthority = true; break;
            case "permitopen":
                permitOpen.Add(PermitOpen.TryParse(Value(), hostOptional: false)
                    ?? throw new AuthorizedKeysFormatException(lineNumber, "permitopen must be \"host:port\" (port a number or *)"));
                break;
            case "permitlisten":
                permitListen.Add(PermitListen.TryParse(Value())
                    ?? throw new AuthorizedKeysFormatException(lineNumber, "permitlisten must be \"[host:]port\" (port a number or *)"));
                break;
            case "from":
                Once(o.From);
                var from = Value();
                if (AddressPatterns.ValidateAddressList(from) is { } problem)
                    throw new AuthorizedKeysFormatException(lineNumber, "from=: " + problem);
                o.From = from;
                break;
            case "expiry-time":
                Once(o.ExpiryTime);
                o.ExpiryTime = ParseExpiry(Value())
                    ?? throw new AuthorizedKeysFormatException(lineNumber, "expiry-time must be YYYYMMDD[HHMM[SS]][Z]");
                break;
            case "principals":
                Once(o.Principals);
                var list = Value().Split(',', StringSplitOptions.TrimEntries);
                foreach (var p in list)
                    if (p.Length == 0) throw new AuthorizedKeysFormatException(lineNumber, "principals= has an empty name");
                o.Principals = list;
                break;
            case "command":
                Once(o.Command);
                o.Command = Value();
                break;
            case "environment":
                var env = Value();
                if (env.IndexOf('=', StringComparison.Ordinal) <= 0)
                    throw new AuthorizedKeysFormatException(lineNumber, "environment must be \"NAME=value\"");
                environment.Add(env);
                break;
            default:
                throw new AuthorizedKeysFormatException(lineNumber, "unknown option '" + SshPublicKey.Printable(name) + "'");
        }

        void Flag()
        {
            if (value is not null) throw new AuthorizedKeysFormatException(lineNumber, "option " + name + " takes no value");
        }

        string Value() => value ?? throw new AuthorizedKeysFormatException(lineNumber, "option " + name + " needs a quoted value");

        void Once(object? current)
        {
            if (current is not null) throw new AuthorizedKeysFormatException(lineNumber, "option " + name + " given twice");
        }
    }

    /// <summary>YYYYMMDD[HHMM[SS]] in local time, or UTC with a trailing Z (sshd(8) expiry-time).</summary>
    internal static DateTimeOffset? ParseExpiry(string text)
    {
        bool utc = text.EndsWith('Z') || text.EndsWith('z');
        var digits = utc ? text[..^1] : text;
        string format = digits.Length switch
        {
            8 => "yyyyMMdd",
            12 => "yyyyMMddHHmm",
            14 => "yyyyMMddHHmmss",
            _ => "",
        };
        if (format.Length == 0) return null;
        foreach (char c in digits)
            if (c is < '0' or > '9') return null;
        if (!DateTime.TryParseExact(digits, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt)) return null;
        if (utc) return new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc));
        return new DateTimeOffset(dt, TimeZoneInfo.Local.GetUtcOffset(dt));
    }
}
