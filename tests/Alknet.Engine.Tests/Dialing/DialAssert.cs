using Alknet.Engine.Dialing;
using NUnit.Framework;

namespace Alknet.Engine.Tests.Dialing;

internal static class DialAssert
{
    /// <summary>Dials and returns the <see cref="DialException"/>; a successful dial fails the test.</summary>
    public static async Task<DialException> FailsAsync(IDialer dialer, DialTarget target, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dialer.DialAsync(target, cancellationToken);
        }
        catch (DialException e)
        {
            return e;
        }

        Assert.Fail("The dial succeeded.");
        throw new InvalidOperationException("unreachable");
    }
}
