using Alknet.Ssh.Wire;

namespace Alknet.Ssh.Messages;

/// <summary>
/// RFC 4253 §7.1 SSH_MSG_KEXINIT: byte[16] cookie, ten name-lists (kex, host key, cipher c→s, cipher s→c, MAC c→s,
/// MAC s→c, compression c→s, compression s→c, language c→s, language s→c), boolean first_kex_packet_follows,
/// uint32 0 (reserved).
/// </summary>
public sealed record KexInit : ISshMessage
{
    public const byte MessageNumber = SshMessageNumbers.KexInit;
    public const int CookieLength = 16;

    public byte[] Cookie { get; init; } = new byte[CookieLength];
    public string[] KexAlgorithms { get; init; } = [];
    public string[] ServerHostKeyAlgorithms { get; init; } = [];
    public string[] CiphersClientToServer { get; init; } = [];
    public string[] CiphersServerToClient { get; init; } = [];
    public string[] MacsClientToServer { get; init; } = [];
    public string[] MacsServerToClient { get; init; } = [];
    public string[] CompressionClientToServer { get; init; } = ["none"];
    public string[] CompressionServerToClient { get; init; } = ["none"];
    public string[] LanguagesClientToServer { get; init; } = [];
    public string[] LanguagesServerToClient { get; init; } = [];
    public bool FirstKexPacketFollows { get; init; }
    public uint Reserved { get; init; }

    public static bool TryRead(ref SshReader r, out KexInit message)
    {
        message = null!;
        if (!MessageReading.TryReadNumber(ref r, MessageNumber)) return false;
        var cookie = r.ReadBytes(CookieLength).ToArray();
        message = new KexInit
        {
            Cookie = cookie,
            KexAlgorithms = r.ReadNameList(),
            ServerHostKeyAlgorithms = r.ReadNameList(),
            CiphersClientToServer = r.ReadNameList(),
            CiphersServerToClient = r.ReadNameList(),
            MacsClientToServer = r.ReadNameList(),
            MacsServerToClient = r.ReadNameList(),
            CompressionClientToServer = r.ReadNameList(),
            CompressionServerToClient = r.ReadNameList(),
            LanguagesClientToServer = r.ReadNameList(),
            LanguagesServerToClient = r.ReadNameList(),
            FirstKexPacketFollows = r.ReadBoolean(),
            Reserved = r.ReadUInt32(),
        };
        r.EnsureEnd();
        return true;
    }

    public void Write(ref SshWriter w)
    {
        w.WriteByte(MessageNumber);
        w.WriteRaw(Cookie);
        w.WriteNameList(KexAlgorithms);
        w.WriteNameList(ServerHostKeyAlgorithms);
        w.WriteNameList(CiphersClientToServer);
        w.WriteNameList(CiphersServerToClient);
        w.WriteNameList(MacsClientToServer);
        w.WriteNameList(MacsServerToClient);
        w.WriteNameList(CompressionClientToServer);
        w.WriteNameList(CompressionServerToClient);
        w.WriteNameList(LanguagesClientToServer);
        w.WriteNameList(LanguagesServerToClient);
        w.WriteBoolean(FirstKexPacketFollows);
        w.WriteUInt32(Reserved);
    }
}
