global using NUnit.Framework;

// The interop tests start Linux daemons (dante, nginx, sshd, …) and use Unix signals and file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Each fixture starts real processes on loopback; running fixtures one at a time keeps them from competing for
// the two cores and keeps logs attributable.
[assembly: NonParallelizable]
