using Alknet.Engine.HttpConnect;
using Alknet.Engine.Socks5;
using NUnit.Framework;

namespace Alknet.Engine.Tests.HttpConnect;

public class HttpConnectStatusMappingTests
{
    [TestCase(200, Socks5ReplyCode.Succeeded)]
    [TestCase(299, Socks5ReplyCode.Succeeded)]
    [TestCase(100, Socks5ReplyCode.GeneralFailure)]
    [TestCase(301, Socks5ReplyCode.GeneralFailure)]
    [TestCase(400, Socks5ReplyCode.GeneralFailure)]
    [TestCase(401, Socks5ReplyCode.ConnectionNotAllowed)]
    [TestCase(403, Socks5ReplyCode.ConnectionNotAllowed)]
    [TestCase(407, Socks5ReplyCode.ConnectionNotAllowed)]
    [TestCase(404, Socks5ReplyCode.HostUnreachable)]
    [TestCase(410, Socks5ReplyCode.HostUnreachable)]
    [TestCase(405, Socks5ReplyCode.GeneralFailure)]
    [TestCase(500, Socks5ReplyCode.GeneralFailure)]
    [TestCase(502, Socks5ReplyCode.ConnectionRefused)]
    [TestCase(503, Socks5ReplyCode.GeneralFailure)]
    [TestCase(504, Socks5ReplyCode.TtlExpired)]
    public void ToReplyCode_Status_MapsPerDecisionTable(int status, Socks5ReplyCode expected) =>
        Assert.That(HttpConnectStatusMapping.ToReplyCode(status), Is.EqualTo(expected));
}
