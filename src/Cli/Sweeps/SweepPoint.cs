namespace NetSim.Cli.Sweeps;

/// <summary>One point of a sweep: the value of each parameter, applied to the scenario as --set overrides.</summary>
public sealed record SweepPoint(int Index, IReadOnlyList<(string Path, string Value)> Assignments)
{
    public IEnumerable<string> Overrides => Assignments.Select(a => $"{a.Path}={a.Value}");

    /// <summary>"services[0].count=10; kube_proxy.mode=iptables".</summary>
    public string Parameters => string.Join("; ", Overrides);

    public string ValueOf(string path) => Assignments.First(a => a.Path == path).Value;

    /// <summary>
    /// The points of a sweep: grid = every combination (the first parameter varies slowest), zip = the i-th
    /// value of every parameter together.
    /// </summary>
    public static IReadOnlyList<SweepPoint> Of(SweepFile sweep)
    {
        var ps = sweep.Parameters;
        var points = new List<SweepPoint>();
        if (sweep.Combine == SweepFile.Zip)
        {
            for (int i = 0; i < ps[0].Values.Count; i++) points.Add(new SweepPoint(i, ps.Select(p => (p.Path, p.Values[i])).ToList()));
            return points;
        }
        int total = ps.Aggregate(1, (n, p) => checked(n * p.Values.Count));
        for (int i = 0; i < total; i++)
        {
            var assignments = new (string, string)[ps.Count];
            int rest = i;
            for (int k = ps.Count - 1; k >= 0; k--)
            {
                assignments[k] = (ps[k].Path, ps[k].Values[rest % ps[k].Values.Count]);
                rest /= ps[k].Values.Count;
            }
            points.Add(new SweepPoint(i, assignments));
        }
        return points;
    }
}
