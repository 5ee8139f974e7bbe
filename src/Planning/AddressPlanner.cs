using NetSim.Engine.Addressing;
using NetSim.Engine.Diagnostics;
using NetSim.Planning.Requirements;
using NetSim.Planning.Rules;

namespace NetSim.Planning;

/// <summary>
/// Plans a cluster's (or several environments') addresses: sizes every prefix for the demand after growth by the
/// CNI's rules (<see cref="PodAddressRule"/>), packs each cluster's prefixes into one aligned block, and places the
/// blocks and the management network in private space clear of the networks to avoid, largest first. Requirements
/// it cannot meet are bad input: one line naming the field, the reason and the smallest change that meets them.
/// </summary>
public static class AddressPlanner
{
    /// <summary>Addresses of a node subnet no node gets: network, gateway, broadcast.</summary>
    public const int NodeSubnetReserved = 3;
    /// <summary>A virtual address for the API server in front of the control plane (kube-vip, keepalived or a load balancer).</summary>
    public const int ApiServerVip = 1;
    /// <summary>Services every cluster creates itself: "kubernetes" (the range's first address) and kube-dns (its 10th).</summary>
    public const int SystemServices = 2;
    /// <summary>kube-apiserver refuses a --service-cluster-ip-range of more than 20 host bits: /12 for IPv4.</summary>
    public const int LargestServiceCidr = 12;
    /// <summary>kube-dns takes the 10th address of the Service CIDR (kubeadm), so the range needs at least 16: a /28.</summary>
    public const int SmallestServiceCidr = 28;

    /// <summary>The plan, or bad input naming the requirement that cannot be met and the smallest change.</summary>
    public static AddressPlan Plan(PlanRequirements requirements)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        try
        {
            return PlanOrThrow(requirements);
        }
        catch (UnmetRequirementException e)
        {
            string change = e.Change.Length > 0 ? e.Change : SpaceChange(requirements);
            throw new InputException(requirements.File, requirements.LineOf(e.Field), e.Field, $"cannot be met: {e.Reason}; smallest change: {change}");
        }
    }

    /// <summary>The plan, or the unmet requirement (its change empty when the space ran out: <see cref="SpaceChange"/> finds one).</summary>
    public static AddressPlan PlanOrThrow(PlanRequirements r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var rule = PodAddressRule.For(r.Cni);
        var sized = Demands(r).Select(d => Size(d, rule, r.MaxPods)).ToList();
        int? managementLength = r.ManagementHosts > 0
            ? PrefixMath.LengthFor((ulong)((long)Math.Ceiling(r.ManagementHosts * r.Growth) + NodeSubnetReserved)) : null;

        var space = new AddressSpace(r.Space, r.Avoid);
        // Largest first, so every block lands aligned and small ones fill the gaps big ones leave.
        var order = sized.Select((s, i) => (Length: s.BlockLength, Index: i)).ToList();
        if (managementLength is { } ml) order.Add((ml, -1));
        var blocks = new Ipv4Prefix[sized.Count];
        Ipv4Prefix? management = null;
        foreach (var (length, index) in order.OrderBy(o => o.Length).ThenBy(o => o.Index < 0 ? int.MaxValue : o.Index))
        {
            var taken = space.Take(length) ?? throw new UnmetRequirementException(SpaceField(r),
                $"no free /{length} left for {(index < 0 ? "the management network" : $"cluster {sized[index].Demand.Name}")} in {string.Join(", ", r.Space)}" +
                (r.Avoid.Count > 0 ? $" outside {string.Join(", ", r.Avoid)}" : ""), "");
            if (index < 0) management = taken;
            else blocks[index] = taken;
        }
        var clusters = sized.Select((s, i) => s.Place(blocks[i])).ToList();
        CapacityRow? managementRow = management is { } mp
            ? new CapacityRow("management addresses", r.ManagementHosts, (long)Math.Ceiling(r.ManagementHosts * r.Growth), (long)mp.Size - NodeSubnetReserved,
                $"/{mp.Length} = {mp.Size} less network, gateway and broadcast")
            : null;
        return new AddressPlan(r, clusters, management, managementRow);
    }

    /// <summary>The field to point at when the space runs out: the avoid list, the space given, or else the pods that need it.</summary>
    private static string SpaceField(PlanRequirements r) =>
        r.Avoid.Count > 0 ? "avoid" : r.LineOf("space") > 0 ? "space" : r.LineOf("pods") > 0 ? "pods" : "nodes.workers";

    /// <summary>One cluster per distinct cluster name; environments on the same cluster add up their workloads.</summary>
    public static IReadOnlyList<ClusterDemand> Demands(PlanRequirements r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return r.Environments.GroupBy(e => e.Cluster, StringComparer.Ordinal)
            .Select(g => new ClusterDemand(g.Key, g.Select(e => e.Name).ToList(), r.ControlPlaneNodes,
                g.Sum(e => e.Workers), g.Sum(e => e.Pods), g.Sum(e => e.Services), r.Growth))
            .ToList();
    }

    private static SizedCluster Size(ClusterDemand d, PodAddressRule rule, int maxPods)
    {
        PodNetworkSizing pods;
        try
        {
            pods = rule.Size(d, maxPods);
        }
        catch (UnmetRequirementException e)
        {
            throw new UnmetRequirementException(e.Field, $"cluster {d.Name}: {e.Reason}", e.Change);
        }
        int nodeLength = pods.NodeSubnetLength
            ?? PrefixMath.LengthFor((ulong)(d.NodesAfter + ApiServerVip + NodeSubnetReserved));
        ulong serviceNeed = (ulong)d.ServicesAfter + SystemServices;
        int serviceLength = Math.Min(SmallestServiceCidr, PrefixMath.LengthFor(serviceNeed + 2));
        if (serviceLength < LargestServiceCidr)
        {
            long most = (long)((PrefixMath.Size(LargestServiceCidr) - 2 - SystemServices) / d.Growth);
            throw new UnmetRequirementException("services",
                $"cluster {d.Name}: {d.ServicesAfter} Services after growth need a /{serviceLength}; kube-apiserver's --service-cluster-ip-range is at most a /{LargestServiceCidr}",
                $"services: at most {most} in cluster {d.Name}");
        }
        return new SizedCluster(d, pods, nodeLength, serviceLength);
    }

    /// <summary>
    /// When the space runs out: the changes that make the plan fit, least intrusive first: the shared address
    /// space, the largest growth factor that fits, then giving up the smallest network to avoid that is enough.
    /// </summary>
    private static string SpaceChange(PlanRequirements r)
    {
        var changes = new List<string>();
        if (!r.Space.Any(s => RequirementsReader.SharedAddressSpace.Contains(s)) && Fits(r with { Space = [.. r.Space, RequirementsReader.SharedAddressSpace] }))
            changes.Add("allow_shared_address_space: true");
        if (r.Growth > 1m && Fits(r with { Growth = 1m }))
        {
            // Largest growth in hundredths that fits (fitting is monotone in growth).
            int lo = 100, hi = (int)(r.Growth * 100) - 1;
            while (lo < hi)
            {
                int mid = (lo + hi + 1) / 2;
                if (Fits(r with { Growth = mid / 100m })) lo = mid;
                else hi = mid - 1;
            }
            changes.Add($"growth: {r.Growth} → {lo / 100m}");
        }
        // Smaller per-node subnets, where a node's subnet still holds its pods.
        if (r.Cni.Ipam is CniRules.HostLocal or CniRules.Cilium)
            for (int mask = r.Cni.NodeMask + 1; mask <= 30; mask++)
                if (Fits(r with { Cni = r.Cni with { NodeMask = mask } }))
                {
                    changes.Add($"cni.node_mask: {r.Cni.NodeMask} → {mask}");
                    break;
                }
        // Giving up a network to avoid risks an overlap with it: the smallest that is enough, and last.
        foreach (var avoid in r.Avoid.OrderBy(a => a.Size))
            if (Fits(r with { Avoid = r.Avoid.Where(a => a != avoid).ToList() }))
            {
                changes.Add($"remove {avoid} from avoid (if nothing there can reach these clusters)");
                break;
            }
        return changes.Count switch
        {
            0 => "none found: the demand needs more private space than the requirements allow",
            1 => changes[0],
            _ => $"{changes[0]} (or {string.Join(", or ", changes.Skip(1))})",
        };
    }

    private static bool Fits(PlanRequirements r)
    {
        try
        {
            PlanOrThrow(r);
            return true;
        }
        catch (UnmetRequirementException)
        {
            return false;
        }
    }

    /// <summary>A cluster sized but not yet placed: its prefixes' lengths and the block that holds them all.</summary>
    private sealed record SizedCluster(ClusterDemand Demand, PodNetworkSizing Pods, int NodeLength, int ServiceLength)
    {
        private IEnumerable<(string Role, int Length)> Parts()
        {
            if (Pods.PodCidrLength is { } p) yield return ("pod CIDR", p);
            yield return ("node subnet", NodeLength);
            yield return ("Service CIDR", ServiceLength);
        }

        public int BlockLength => PrefixMath.LengthFor(Parts().Aggregate(0UL, (sum, p) => sum + PrefixMath.Size(p.Length)));

        /// <summary>The prefixes laid out in <paramref name="block"/>, largest first, so each is aligned.</summary>
        public ClusterPlan Place(Ipv4Prefix block)
        {
            var placed = new Dictionary<string, Ipv4Prefix>(StringComparer.Ordinal);
            ulong offset = 0;
            foreach (var (role, length) in Parts().OrderBy(p => p.Length))
            {
                placed[role] = new Ipv4Prefix(new Ipv4Address((uint)(block.Network.Value + offset)), length);
                offset += PrefixMath.Size(length);
            }
            var d = Demand;
            var node = placed["node subnet"];
            var service = placed["Service CIDR"];
            var rows = new List<CapacityRow>();
            if (Pods.NodeSubnetLength is null)
                rows.Add(new CapacityRow("node addresses", d.Nodes + ApiServerVip, d.NodesAfter + ApiServerVip, (long)node.Size - NodeSubnetReserved,
                    $"/{node.Length} = {node.Size} less network, gateway and broadcast; {d.NodesAfter} nodes + the API server's address"));
            rows.AddRange(Pods.Rows);
            rows.Add(new CapacityRow("Service IPs", d.Services + SystemServices, d.ServicesAfter + SystemServices, (long)service.Size - 2,
                $"/{service.Length} = {service.Size} less network and broadcast; + kubernetes and kube-dns"));
            var notes = new List<string>(Pods.Notes)
            {
                $"Demand after growth ×{d.Growth}: {PlanFormat.Count(d.NodesAfter)} nodes ({PlanFormat.Count(d.WorkersAfter)} workers), {PlanFormat.Count(d.PodsAfter)} pods, {PlanFormat.Count(d.ServicesAfter)} Services.",
                $"The cluster's prefixes ({string.Join(" + ", Parts().OrderBy(p => p.Length).Select(p => $"/{p.Length}"))}) pack into one /{block.Length}.",
            };
            Ipv4Prefix? pods = placed.TryGetValue("pod CIDR", out var p) ? p : null;
            return new ClusterPlan(d, block, node, pods, service, Pods, rows, notes);
        }
    }
}
