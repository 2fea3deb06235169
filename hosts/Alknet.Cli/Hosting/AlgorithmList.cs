namespace Alknet.Cli.Hosting;

/// <summary>
/// OpenSSH's syntax for algorithm preference lists (ssh_config(5) Ciphers, KexAlgorithms): "a,b" replaces the
/// default list, "+a,b" appends, "-a,b" removes (wildcards * and ? allowed), "^a,b" moves to the front.
/// </summary>
internal static class AlgorithmList
{
    public static bool TryApply(string? spec, IReadOnlyList<string> defaults, IReadOnlyList<string> supported, string what,
        out List<string> result, out string error)
    {
        result = [.. defaults];
        error = "";
        if (string.IsNullOrWhiteSpace(spec)) return true;
        char mode = spec[0] is '+' or '-' or '^' ? spec[0] : '=';
        var names = (mode == '=' ? spec : spec[1..]).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0)
        {
            error = $"empty {what} list";
            return false;
        }
        if (mode != '-')
        {
            foreach (var n in names)
            {
                if (!supported.Contains(n))
                {
                    error = $"unsupported {what} '{n}'; supported: {string.Join(",", supported)}";
                    return false;
                }
            }
        }
        switch (mode)
        {
            case '=':
                result = [.. names.Distinct()];
                break;
            case '+':
                foreach (var n in names) if (!result.Contains(n)) result.Add(n);
                break;
            case '^':
                result.RemoveAll(names.Contains);
                result.InsertRange(0, names.Distinct());
                break;
            case '-':
                result.RemoveAll(a => names.Any(p => Matches(p, a)));
                break;
        }
        if (result.Count == 0)
        {
            error = $"the {what} list is empty after applying '{spec}'";
            return false;
        }
        return true;
    }

    /// <summary>Glob match with * and ?, as OpenSSH's match_pattern.</summary>
    private static bool Matches(string pattern, string name)
    {
        return Match(pattern.AsSpan(), name.AsSpan());

        static bool Match(ReadOnlySpan<char> p, ReadOnlySpan<char> s)
        {
            if (p.IsEmpty) return s.IsEmpty;
            if (p[0] == '*')
            {
                for (int i = 0; i <= s.Length; i++)
                    if (Match(p[1..], s[i..])) return true;
                return false;
            }
            return !s.IsEmpty && (p[0] == '?' || p[0] == s[0]) && Match(p[1..], s[1..]);
        }
    }
}
