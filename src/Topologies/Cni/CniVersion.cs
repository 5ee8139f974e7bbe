namespace NetSim.Topologies.Cni;

/// <summary>Spec versions and the runtime's choice of the highest one both sides support (reference §1.1).</summary>
public static class CniVersion
{
    /// <summary>The versions the Go library supports (version.All).</summary>
    public static readonly IReadOnlyList<string> Supported = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];

    public static Version Parse(string v) =>
        Version.TryParse(v, out var parsed) && parsed.Build >= 0
            ? parsed
            : throw new CniException(CniException.IncompatibleVersion, $"invalid version \"{v}\": the version is empty or not semver");

    /// <summary>The highest version in cniVersion ∪ cniVersions that the library supports.</summary>
    public static string Negotiate(string? cniVersion, IEnumerable<string> cniVersions)
    {
        var wanted = new List<string>();
        if (!string.IsNullOrEmpty(cniVersion)) wanted.Add(cniVersion);
        wanted.AddRange(cniVersions);
        if (wanted.Count == 0) throw new CniException(CniException.InvalidNetworkConfig, "no cniVersion given");
        string? best = null;
        foreach (string v in wanted)
        {
            Parse(v);
            if (Supported.Contains(v) && (best is null || Parse(v) > Parse(best))) best = v;
        }
        return best ?? throw new CniException(CniException.IncompatibleVersion, "incompatible CNI versions",
            $"config is \"{string.Join(",", wanted)}\", plugin supports [{string.Join(" ", Supported)}]");
    }

    /// <summary>Results of 0.3.x/0.4.0 carry "version" in each IP; 1.0.0 removed it.</summary>
    public static bool IpsCarryVersion(string v) => Parse(v) < new Version(1, 0, 0);
}
