namespace NetSim.Planning;

/// <summary>
/// What one cluster must hold now and after growth: the environments on it (their workers, pods and Services add
/// up), one control plane, and the growth factor every count is multiplied by (rounded up).
/// </summary>
public sealed record ClusterDemand(string Name, IReadOnlyList<string> Environments, int ControlPlane, int Workers, int Pods, int Services, decimal Growth)
{
    public int Nodes => ControlPlane + Workers;
    public int NodesAfter => Grow(Nodes);
    public int WorkersAfter => Grow(Workers);
    public int ControlPlaneAfter => NodesAfter - WorkersAfter;
    public int PodsAfter => Grow(Pods);
    public int ServicesAfter => Grow(Services);

    public int Grow(int count) => (int)Math.Ceiling(count * Growth);
}
