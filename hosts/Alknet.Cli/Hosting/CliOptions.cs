using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Alknet.Cli.Hosting;

/// <summary>
/// Option constructors shared by the commands. An option that can also come from the environment names its
/// variable in its help text; the flag wins over the variable because the variable is only the default.
/// </summary>
internal static class CliOptions
{
    public static Option<string> String(string name, string description, string? envVar = null, string? fallback = null, string? alias = null)
    {
        var option = alias is null ? new Option<string>(name) : new Option<string>(name, alias);
        option.Description = envVar is null ? description : $"{description} [env: {envVar}]";
        option.DefaultValueFactory = _ => (envVar is null ? null : Environment.GetEnvironmentVariable(envVar)) ?? fallback!;
        return option;
    }

    /// <summary>
    /// An option that may carry a secret (a password, a proxy URL with credentials). Its variable is named in the help
    /// but read only by <see cref="SecretValue"/>: as a default value it would be printed by --help.
    /// </summary>
    public static Option<string> Secret(string name, string description, string envVar) =>
        new(name) { Description = $"{description} [env: {envVar}]" };

    /// <summary>The flag's value, else the environment variable's.</summary>
    public static string? SecretValue(ParseResult parse, Option<string> option, string envVar) =>
        parse.GetValue(option) ?? Environment.GetEnvironmentVariable(envVar);

    public static Option<double> Seconds(string name, string description, double fallback)
    {
        const double max = 86400 * 365;
        var option = new Option<double>(name)
        {
            Description = $"{description} (seconds)",
            DefaultValueFactory = _ => fallback,
            HelpName = "S",
        };
        // A custom parser rather than a validator: a validator also runs after a failed conversion ("abc"), and
        // reading the value there throws instead of reporting the error.
        option.CustomParser = r =>
        {
            if (double.TryParse(SingleToken(r), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s)
                && s is >= 0 and <= max)
            {
                return s;
            }
            r.AddError($"{name} must be a number of seconds between 0 and {max}");
            return fallback;
        };
        return option;
    }

    public static Option<int> Count(string name, string description, int fallback, int min = 0)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback, HelpName = "N" };
        option.CustomParser = r =>
        {
            if (int.TryParse(SingleToken(r), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min) return n;
            r.AddError($"{name} must be a whole number, at least {min}");
            return fallback;
        };
        return option;
    }

    private static string SingleToken(ArgumentResult r) => r.Tokens.Count == 1 ? r.Tokens[0].Value : "";

    /// <summary>The global --log-level option (env ALKNET_LOG_LEVEL).</summary>
    public static Option<LogLevel> LogLevelOption()
    {
        var option = new Option<LogLevel>("--log-level")
        {
            Description = "Minimum log level: Trace, Debug, Information, Warning, Error [env: ALKNET_LOG_LEVEL]",
            Recursive = true,
            DefaultValueFactory = _ =>
                Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("ALKNET_LOG_LEVEL"), true, out var l) ? l : LogLevel.Information,
        };
        return option;
    }

    public static TimeSpan ToTimeSpan(double seconds) =>
        seconds <= 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds);

    public static string Format(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
