namespace NetSim.Cli.CommandLine.Settings;

/// <summary>The --exact-costs option's help, shared by every command that runs simulations.</summary>
internal static class ExactCostsOption
{
    public const string Description =
        "every CPU cost exactly its profile mean, no wakeup latency, fixed interrupt moderation (the profile's variability ignored): deterministic latencies, for teaching";
}
