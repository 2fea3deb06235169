namespace Alknet.Ssh.Messages;

/// <summary>Every SSH message number Alknet knows, with the section that defines it (RFC 4250 §4.1.2).</summary>
public static class SshMessageNumbers
{
    // Transport layer generic (RFC 4253 §11, §10).
    public const byte Disconnect = 1;            // RFC 4253 §11.1
    public const byte Ignore = 2;                // RFC 4253 §11.2
    public const byte Unimplemented = 3;         // RFC 4253 §11.4
    public const byte Debug = 4;                 // RFC 4253 §11.3
    public const byte ServiceRequest = 5;        // RFC 4253 §10
    public const byte ServiceAccept = 6;         // RFC 4253 §10
    public const byte ExtInfo = 7;               // RFC 8308 §2.3

    // Algorithm negotiation (RFC 4253 §7).
    public const byte KexInit = 20;              // RFC 4253 §7.1
    public const byte NewKeys = 21;              // RFC 4253 §7.3

    // Key-exchange-method specific (30–49).
    public const byte KexDhInit = 30;            // RFC 4253 §8
    public const byte KexDhReply = 31;           // RFC 4253 §8
    public const byte KexEcdhInit = 30;          // RFC 5656 §7.1 (also curve25519, RFC 8731 §3)
    public const byte KexEcdhReply = 31;         // RFC 5656 §7.1

    // User authentication (RFC 4252).
    public const byte UserAuthRequest = 50;      // RFC 4252 §5
    public const byte UserAuthFailure = 51;      // RFC 4252 §5.1
    public const byte UserAuthSuccess = 52;      // RFC 4252 §5.1
    public const byte UserAuthBanner = 53;       // RFC 4252 §5.4
    public const byte UserAuthPkOk = 60;         // RFC 4252 §7

    // Connection protocol (RFC 4254).
    public const byte GlobalRequest = 80;        // RFC 4254 §4
    public const byte RequestSuccess = 81;       // RFC 4254 §4
    public const byte RequestFailure = 82;       // RFC 4254 §4
    public const byte ChannelOpen = 90;          // RFC 4254 §5.1
    public const byte ChannelOpenConfirmation = 91; // RFC 4254 §5.1
    public const byte ChannelOpenFailure = 92;   // RFC 4254 §5.1
    public const byte ChannelWindowAdjust = 93;  // RFC 4254 §5.2
    public const byte ChannelData = 94;          // RFC 4254 §5.2
    public const byte ChannelExtendedData = 95;  // RFC 4254 §5.2
    public const byte ChannelEof = 96;           // RFC 4254 §5.3
    public const byte ChannelClose = 97;         // RFC 4254 §5.3
    public const byte ChannelRequest = 98;       // RFC 4254 §5.4
    public const byte ChannelSuccess = 99;       // RFC 4254 §5.4
    public const byte ChannelFailure = 100;      // RFC 4254 §5.4

    /// <summary>RFC 4250 §4.1.2: 1–19 transport generic, 20–29 negotiation, 30–49 kex method.</summary>
    public static bool IsTransportLayer(byte n) => n is >= 1 and <= 49;

    /// <summary>RFC 4250 §4.1.2: 50–79 user authentication.</summary>
    public static bool IsAuthLayer(byte n) => n is >= 50 and <= 79;

    /// <summary>RFC 4250 §4.1.2: 80–127 connection protocol.</summary>
    public static bool IsConnectionLayer(byte n) => n is >= 80 and <= 127;
}
