using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Alknet.Bench;

/// <summary>
/// Shared benchmark configuration: a short job run in-process (BenchmarkDotNet 0.14 has no toolchain for this
/// runtime's moniker, so it cannot generate and build a separate benchmark project) with allocation counts.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
