using System.Globalization;

namespace NetSim.Planning;

/// <summary>How a plan's numbers print, the same in the terminal and in the report.</summary>
public static class PlanFormat
{
    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Percent(double share) =>
        double.IsInfinity(share) ? "-" : (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    /// <summary>"×4.2": how many times today's demand fits; "-" when nothing is needed today.</summary>
    public static string Headroom(double factor) =>
        double.IsInfinity(factor) ? "-" : "×" + (Math.Floor(factor * 10) / 10).ToString("0.0", CultureInfo.InvariantCulture);

    public static string Prefix(NetSim.Engine.Addressing.Ipv4Prefix? prefix) => prefix?.ToString() ?? "(in the node subnet)";

    public static string PerNode(ClusterPlan c) =>
        c.PodCidr is null ? $"{c.Pods.PodsPerNode} pods (ENIs)" : $"/{c.Pods.PerNodeLength}, {c.Pods.PodsPerNode} pods";
}
