namespace NetSim.Cli.CommandLine.Settings;

/// <summary>The --exact-costs option's help, shared by every command that runs simulations.</summary>
internal static class ExactCostsOption
{
    public const string Description =
        "every CPU cost exactly its profile mean and no wakeup latency (the profile's spreads ignored; adaptive interrupt moderation kept, it is a mechanism): deterministic latencies, for teaching";
}
