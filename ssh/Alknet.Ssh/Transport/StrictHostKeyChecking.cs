namespace Alknet.Ssh.Transport;

/// <summary>
/// The two ssh_config(5) StrictHostKeyChecking modes a tunnel may use. "no" and "ask" are deliberately absent: a
/// tunnel has nobody to ask, and accepting any key would hand the tunnel to whoever sits in the middle.
/// </summary>
public enum StrictHostKeyChecking
{
    /// <summary>"yes": only a key that known_hosts lists for the host is accepted; the file is never written.</summary>
    Yes,

    /// <summary>
    /// "accept-new": a host with no entry is added to known_hosts and accepted (trust on first use); a host known
    /// with other keys is refused exactly as with <see cref="Yes"/>.
    /// </summary>
    AcceptNew,
}
