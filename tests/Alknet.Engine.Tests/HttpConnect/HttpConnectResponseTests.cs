using System.Buffers;
using System.Text;
using Alknet.Engine.HttpConnect;
using Alknet.Engine.Socks5;
using NUnit.Framework;
using static Alknet.Engine.Tests.Socks5.WireTestKit;

namespace Alknet.Engine.Tests.HttpConnect;

public class HttpConnectResponseTests
{
    private static readonly string[] ValidMessages =
    [
        "HTTP/1.1 200 Connection established\r\n\r\n",
        "HTTP/1.0 200 OK\r\nProxy-agent: tinyproxy/1.11.1\r\n\r\n",
        "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"proxy\"\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200\r\n\r\n",
        "HTTP/1.1 204 \r\n\r\n",
        "HTTP/1.1 200 OK\n\n",
        "HTTP/1.1 502 Bad Gateway\r\nX-Empty:\r\nX-Tab:\tv\talue\r\n\r\n",
    ];

    [TestCaseSource(nameof(ValidMessages))]
    public void TryParse_EveryPrefix_NeedsMoreAndConsumesNothing(string text) =>
        AssertEveryPrefixNeedsMore<HttpConnectResponse>(Encoding.ASCII.GetBytes(text));

    [TestCaseSource(nameof(ValidMessages))]
    public void TryParse_OneBytePerSegment_MatchesSingleSegment(string text) =>
        Assert.That(
            ParseOneBytePerSegment<HttpConnectResponse>(Encoding.ASCII.GetBytes(text)),
            Is.EqualTo(Parse<HttpConnectResponse>(Encoding.ASCII.GetBytes(text))));

    [TestCase("HTTP/1.1 200 Connection established\r\n\r\n", 200)]
    [TestCase("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"proxy\"\r\nContent-Length: 0\r\n\r\n", 407)]
    [TestCase("HTTP/1.1 200 OK\n\n", 200)]
    public void TryParse_Response_YieldsStatusAndLeavesTunnelBytes(string text, int status)
    {
        var bytes = Encoding.ASCII.GetBytes(text + "tunnel");
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes));
        Assert.That(HttpConnectResponse.TryParse(ref reader, out var response), Is.True);
        Assert.That(response.StatusCode, Is.EqualTo(status));
        Assert.That(Encoding.ASCII.GetString(reader.UnreadSequence), Is.EqualTo("tunnel"));
    }

    [TestCase(200)]
    [TestCase(407)]
    [TestCase(504)]
    public void Write_ThenParse_RoundTrips(int status)
    {
        var response = new HttpConnectResponse(status);
        Assert.That(Parse<HttpConnectResponse>(WriteToArray(response)), Is.EqualTo(response));
    }

    [TestCase("SSH-2.0-OpenSSH_9.6\r\n", TestName = "TryParse_NotHttp_GeneralFailure")]
    [TestCase("S", TestName = "TryParse_NotHttpFirstByte_GeneralFailure")]
    [TestCase("HTTP/2 200\r\n\r\n", TestName = "TryParse_NoMinorVersion_GeneralFailure")]
    [TestCase("HTTP/3.0 200 OK\r\n\r\n", TestName = "TryParse_UnsupportedMajorVersion_GeneralFailure")]
    [TestCase("HTTP/1.1 20\r\n\r\n", TestName = "TryParse_TwoDigitStatus_GeneralFailure")]
    [TestCase("HTTP/1.1 2000 OK\r\n\r\n", TestName = "TryParse_FourDigitStatus_GeneralFailure")]
    [TestCase("HTTP/1.1 099 Low\r\n\r\n", TestName = "TryParse_StatusBelow100_GeneralFailure")]
    [TestCase("HTTP/1.1 200 O\rK\r\n\r\n", TestName = "TryParse_BareCrInReason_GeneralFailure")]
    [TestCase("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", TestName = "TryParse_FieldWithoutColon_GeneralFailure")]
    [TestCase("HTTP/1.1 200 OK\r\n: value\r\n\r\n", TestName = "TryParse_EmptyFieldName_GeneralFailure")]
    [TestCase("HTTP/1.1 200 OK\r\nName : value\r\n\r\n", TestName = "TryParse_SpaceBeforeColon_GeneralFailure")]
    [TestCase("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", TestName = "TryParse_ObsFold_GeneralFailure")]
    [TestCase("HTTP/1.1 200 OK\r\nA: b\0c\r\n\r\n", TestName = "TryParse_NulInFieldValue_GeneralFailure")]
    public void TryParse_Malformed_ThrowsGeneralFailure(string text)
    {
        var e = Assert.Throws<HttpConnectException>(() =>
        {
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text)));
            HttpConnectResponse.TryParse(ref reader, out _);
        });
        Assert.That(e!.Reply, Is.EqualTo(Socks5ReplyCode.GeneralFailure));
    }
}
