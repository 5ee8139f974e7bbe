namespace NetSim.Cli.Sweeps;

/// <summary>One point of a sweep: the value of each parameter, applied to the scenario as --set overrides.</summary>
public sealed record SweepPoint(int Index, IReadOnlyList<(string Path, string Value)> Assignments)
{
    public IEnumerable<string> Overrides => Assignments.Select(a => $"{a.Path}={a.Value}");

    /// <summary>"services[0].count=10; kube_proxy.mode=iptables".</summary>
    public string Parameters => string.Join("; ", Overrides);

    public string ValueOf(string path) => Assignments.First(a => a.Path == path).Value;

    /// <summary>
    /// The most points a sweep may have: each is loaded and checked before anything runs, and each run leaves a file.
    /// A grid multiplies its lists, so three lists of 100 values (a million points) are refused before one is made.
    /// </summary>
    public const long MaxPoints = 10_000;

    /// <summary>How many points the sweep has, counted without making them (saturating, so a huge grid cannot overflow).</summary>
    public static long Count(SweepFile sweep)
    {
        var ps = sweep.Parameters;
        if (sweep.Combine == SweepFile.Zip) return ps[0].Values.Count;
        long total = 1;
        foreach (var p in ps) total = total > long.MaxValue / Math.Max(1, p.Values.Count) ? long.MaxValue : total * p.Values.Count;
        return total;
    }

    /// <summary>
    /// The points of a sweep, made one at a time as they are enumerated: grid = every combination (the first
    /// parameter varies slowest), zip = the i-th value of every parameter together.
    /// </summary>
    public static IEnumerable<SweepPoint> Of(SweepFile sweep)
    {
        long total = Count(sweep);
        for (int i = 0; i < total; i++) yield return At(sweep, i);
    }

    /// <summary>Point <paramref name="index"/> alone.</summary>
    public static SweepPoint At(SweepFile sweep, int index)
    {
        var ps = sweep.Parameters;
        if (sweep.Combine == SweepFile.Zip) return new SweepPoint(index, ps.Select(p => (p.Path, p.Values[index])).ToList());
        var assignments = new (string, string)[ps.Count];
        int rest = index;
        for (int k = ps.Count - 1; k >= 0; k--)
        {
            assignments[k] = (ps[k].Path, ps[k].Values[rest % ps[k].Values.Count]);
            rest /= ps[k].Values.Count;
        }
        return new SweepPoint(index, assignments);
    }
}
