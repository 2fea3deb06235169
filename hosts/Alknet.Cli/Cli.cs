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
}
