using System.Globalization;

namespace NetSim.Experiments.Resources;

/// <summary>One part of an estimate: what it counts and the bytes it needs.</summary>
public sealed record EstimateTerm(string What, long Bytes);

/// <summary>
/// The memory a run of a scenario needs, estimated from its size before anything is built: the sum of its terms
/// (runtime, nodes, pods, kube-proxy rules, packets and connections that open-loop traffic piles up).
/// </summary>
public sealed record ResourceEstimate(IReadOnlyList<EstimateTerm> Terms)
{
    public long Bytes => Terms.Sum(t => t.Bytes);

    /// <summary>"9.1 GiB: Service rules 3.4 GiB, endpoint rules 3.5 GiB, ..." (the largest terms first, small ones left out).</summary>
    public string Describe() =>
        $"{Size(Bytes)} ({string.Join(", ", Terms.Where(t => t.Bytes >= Bytes / 100).OrderByDescending(t => t.Bytes).Select(t => $"{t.What} {Size(t.Bytes)}"))})";

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 40 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 40):0.#} TiB"),
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0} MiB"),
    };
}
