using System.CommandLine;

namespace Alknet.Cli;

/// <summary>Exit conventions shared by the commands.</summary>
internal static class Cli
{
    /// <summary>Usage or configuration error: a clear message on stderr and exit code 2.</summary>
    public static int Fail(string message)
    {
        Console.Error.WriteLine($"alknet: {message}");
        return 2;
    }

    /// <summary>
    /// Flags that do not parse or are out of range: the same exit code 2 as <see cref="Fail"/>, one line per error
    /// and a pointer to the help, rather than the full help text with the error buried under it.
    /// </summary>
    public static int UsageErrors(ParseResult parse)
    {
        foreach (var error in parse.Errors) Console.Error.WriteLine($"alknet: {error.Message}");
        var command = parse.CommandResult.Command;
        var path = command is RootCommand ? "alknet" : $"alknet {command.Name}";
        Console.Error.WriteLine($"Run '{path} --help' for usage.");
        return 2;
    }
}
