using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

using NetSim.Engine.Costs;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Experiments.Running;

/// <summary>
/// Loads a scenario the way every command does: the file, its --set overrides, then --seed and --datapath as
/// overrides too (so the datapath's own defaults follow it and the resolved scenario records what ran).
/// </summary>
public static class ScenarioInput
{
    /// <param name="manifests">Kubernetes manifests read beside the scenario file (--cluster).</param>
    public static Scenario Load(string command, string file, IEnumerable<string> sets, ulong? seed = null, string? datapath = null, IReadOnlyList<string>? manifests = null)
    {
        var overrides = new List<string>(sets);
        if (datapath is not null) CheckDatapath(command, "--datapath", datapath);
        if (seed is ulong s) overrides.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"seed={s}"));
        // Another datapath than the file's gets its own defaults and no conflist written for another CNI.
        return datapath is null ? ScenarioLoader.Load(file, overrides, manifests) : ScenarioLoader.Load(file, overrides, datapath, manifests);
    }

    public static void CheckDatapath(string command, string option, string name)
    {
        if (!DatapathVariant.IsKnown(name))
            throw CommandInputError.Of(command, $"{option}: '{name}' is not a datapath{NetSim.Engine.Diagnostics.NearestName.Suggestion(name, DatapathVariant.All)}; known: {string.Join(", ", DatapathNames.All)} (each may add +wireguard, +ipsec or +none for an encryption it offers)");
    }

    /// <summary>Writes the resolved scenario's companion files (its conflist) into <paramref name="dir"/>, where the written scenario looks for them.</summary>
    public static void WriteCompanions(Scenario scenario, string dir)
    {
        foreach (var (path, text) in ScenarioWriter.Companions(scenario))
        {
            string full = Path.Combine(dir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
    }

    /// <summary>The resolved scenario as written beside the results, and its SHA-256 (lower-case hex).</summary>
    public static (string Yaml, string Sha256) Resolve(Scenario scenario)
    {
        string yaml = ScenarioWriter.Write(scenario);
        return (yaml, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))));
    }
}

/// <summary>Cost profiles by the scenario's profile name and file, loaded once (a sweep asks for the same one many times).</summary>
public sealed class ProfileCache
{
    private readonly ConcurrentDictionary<string, CostProfile> _profiles = new(StringComparer.Ordinal);

    /// <summary>The scenario's profile, its cpu_scale multiplied by the scenario's <c>cluster.cpu_scale</c> (the machine's speed).</summary>
    public CostProfile For(Scenario scenario)
    {
        string path = Path.GetFullPath(ProfileLocator.Resolve(scenario.Profile, scenario.File));
        return OnMachine(_profiles.GetOrAdd(path, CostProfileLoader.Load), scenario);
    }

    /// <summary>
    /// <paramref name="profile"/> on the scenario's machine: its cpu_scale times <c>cluster.cpu_scale</c>, and the NIC's
    /// interrupt moderation <c>cluster.nic_rx_coalescing</c> and L2 size <c>cluster.l2_cache</c> instead of the
    /// profile's when the scenario sets them.
    /// </summary>
    public static CostProfile OnMachine(CostProfile profile, Scenario scenario)
    {
        var c = scenario.Cluster;
        var p = c.CpuScale == 1m ? profile : profile.With(profile.Name, new Dictionary<string, Cost>(), profile.CpuScale * c.CpuScale);
        if (c.L2CacheBytes is { } l2) p = p.WithL2Cache(l2);
        return c.NicRxCoalescing is { } rx ? p.WithDelays(new Dictionary<string, long>(StringComparer.Ordinal) { [DelayKeys.NicRxCoalescing.Name] = rx.Picoseconds }) : p;
    }
}
