using NetSim.Experiments;
using NetSim.Topologies.Build;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Simulation;

namespace NetSim.Cli.CommandLine.Settings;

/// <summary>The --threads option of every command that runs simulations: its help, its bounds, and the up-front refusal.</summary>
internal static class ThreadsOption
{
    public const string Description =
        "split each run's nodes across N threads (1-64, default 1): synchronous windows as long as the fabric's shortest wire transit, results byte-identical to one thread; refused (exit 2) for scenarios with events, a veth-pair fabric, trace replay or --pcap";

    private const int Max = 64;

    /// <summary>The option's value (1 when absent); a bad value is bad input.</summary>
    public static int Parse(string command, string? text) => OptionValues.Bounded(command, "--threads", text, 1, Max) ?? 1;

    /// <summary>Bad input (before anything runs) when <paramref name="scenario"/> cannot be split over <paramref name="threads"/>.</summary>
    public static void Check(string command, int threads, Scenario scenario, RunOptions options, string? which = null)
    {
        if (threads > 1 && ClusterPartitioner.Refusal(scenario, options) is { } why)
            throw CommandInputError.Of(command, $"--threads {threads}: {which ?? scenario.Name} cannot be split across threads: {why}; run it with --threads 1");
    }
}
