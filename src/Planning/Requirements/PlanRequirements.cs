using NetSim.Engine.Addressing;

namespace NetSim.Planning.Requirements;

/// <summary>
/// What an address plan must hold: node counts by role, pods, Services, the growth to leave room for, the
/// environments (each its own cluster or sharing one), a management network, the networks to stay clear of, the
/// CNI whose allocation rules size the pod network, and kubelet's maxPods.
/// </summary>
public sealed record PlanRequirements(
    string Name,
    string File,
    int ControlPlaneNodes,
    int Workers,
    int Pods,
    int Services,
    decimal Growth,
    int MaxPods,
    CniRules Cni,
    IReadOnlyList<EnvironmentRequirement> Environments,
    int ManagementHosts,
    IReadOnlyList<Ipv4Prefix> Avoid,
    IReadOnlyList<Ipv4Prefix> Space)
{
    /// <summary>The line each field was read from (field path → line), so an unmet requirement names its line.</summary>
    public IReadOnlyDictionary<string, int> Lines { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    public int LineOf(string field) => Lines.TryGetValue(field, out int line) ? line : 0;
}
