using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Scenarios.Yaml;

namespace NetSim.Experiments.Resources;

/// <summary>
/// --max-memory: the memory netsim may use, checked against each run's <see cref="ResourceEstimator"/> estimate
/// before anything is built, so a run too large for the machine is refused (exit 2, with the estimate) instead of
/// being killed by the kernel half-way. Parallel runs share the limit: fewer run at once when they would not fit.
/// </summary>
public sealed record MemoryLimit(long Bytes, bool IsDefault)
{
    /// <summary>The default share of the machine's memory (or of the container's limit): the rest is the OS's and other processes'.</summary>
    public const double DefaultFraction = 0.75;

    /// <summary>The memory this process may have: the machine's, or the cgroup limit when lower (as the GC sees it).</summary>
    public static long MachineBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    public static MemoryLimit Default => new((long)(MachineBytes * DefaultFraction), true);

    /// <summary>The --max-memory value ("8GiB", "500MB"); the default when <paramref name="text"/> is null.</summary>
    public static MemoryLimit Parse(string command, string? text)
    {
        if (text is null) return Default;
        if (!Units.TryParseBytes(text, out long bytes, out string error)) throw CommandInputError.Of(command, $"--max-memory: {error}");
        if (bytes < MemoryCosts.Runtime) throw CommandInputError.Of(command, $"--max-memory {text} is less than netsim itself needs ({ResourceEstimate.Size(MemoryCosts.Runtime)})");
        return new MemoryLimit(bytes, false);
    }

    /// <summary>Refuses <paramref name="scenario"/> when one run of it would not fit.</summary>
    public ResourceEstimate Check(Scenario scenario, string? what = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var estimate = ResourceEstimator.For(scenario);
        if (estimate.Bytes > Bytes)
            throw new InputException(scenario.File, 0, what ?? "", $"a run needs about {estimate.Describe()}, more than --max-memory {Describe()}; make the scenario smaller or raise --max-memory");
        return estimate;
    }

    /// <summary>How many of runs needing up to <paramref name="largest"/> bytes fit at once, at most <paramref name="jobs"/>.</summary>
    public int Jobs(int jobs, long largest)
    {
        // Runs in one process share the runtime: each more run costs its estimate less the runtime.
        long perRun = Math.Max(1, largest - MemoryCosts.Runtime);
        return (int)Math.Clamp((Bytes - MemoryCosts.Runtime) / perRun, 1, Math.Max(1, jobs));
    }

    public string Describe() => IsDefault
        ? $"{ResourceEstimate.Size(Bytes)} (the default, {DefaultFraction:P0} of this machine's {ResourceEstimate.Size(MachineBytes)})"
        : ResourceEstimate.Size(Bytes);
}
