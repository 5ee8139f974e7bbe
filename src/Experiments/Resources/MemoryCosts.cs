namespace NetSim.Experiments.Resources;

/// <summary>
/// What one unit of a scenario costs in memory in this simulator (not on a real node): measured by
/// `dotnet bench/bin/Release/net10.0/NetSim.Bench.dll --memory` (bench/MemoryRunner.cs; table and method in
/// bench/RESULTS.md, "Memory"), which builds clusters of two or three sizes per term and divides the difference in
/// retained managed memory. Each figure is the largest over the datapaths (or the mode's own), so an estimate errs high.
/// </summary>
public static class MemoryCosts
{
    /// <summary>A node (namespaces, devices, CPU, NIC): 54,830 B (calico-ipip, the largest linear term).</summary>
    public const long PerNode = 54_830;

    /// <summary>Per pair of nodes (each node's routes, neighbours and tunnel entries for every peer): 285 B (the VXLAN and Geneve datapaths).</summary>
    public const long PerNodePair = 285;

    /// <summary>A pod (its namespace, veth pair, routes, CNI state): 23,359 B (calico-ipip and calico-vxlan).</summary>
    public const long PerPod = 23_359;

    /// <summary>
    /// True when the mode's Service rules are written once and listed by every node: iptables and nftables chains, IPVS
    /// virtual services and the eBPF load balancer's service maps (Service ports without Local policies or zone hints).
    /// </summary>
    public static bool SharesRules(string mode) => mode is "iptables" or "nftables" or "ipvs" or "ebpf";

    /// <summary>
    /// Per Service port whose chains every node shares (no Local traffic policy, no zone hints), written once: iptables 3,136 B, nftables
    /// 2,512 B (the Service's own objects and its shared chains), IPVS 766 B (its virtual service), eBPF 730 B (its service map
    /// entries), measured by `NetSim.Bench.dll --memory shared` (retained bytes of clusters of 4 and 16 nodes with 500 and
    /// 2,500 Services, Dec 7 2026; IPVS and eBPF Dec 8 2026).
    /// </summary>
    public static long PerSharedService(string mode) => mode switch
    {
        "iptables" => 3_136,
        "nftables" => 2_512,
        "ipvs" => 766,
        "ebpf" => 730,
        _ => 0,
    };

    /// <summary>Per endpoint of a shared Service port, written once: iptables 1,097 B, nftables 650 B, IPVS and eBPF 72 B (the same measurement).</summary>
    public static long PerSharedEndpoint(string mode) => mode switch
    {
        "iptables" => 1_097,
        "nftables" => 650,
        "ipvs" => 72,
        "ebpf" => 72,
        _ => 0,
    };

    /// <summary>
    /// Per shared Service port on each node (its KUBE-SERVICES rule or map elements, its listing of the shared chains, and
    /// the growth slack of those per-node tables): iptables 267 B, nftables 195 B, fitted with <see cref="PerSharedEndpointPerNode"/>
    /// to the peak working set of the ClusterScale builds (200 nodes / 5,000 Services and 1,000 nodes / 10,000 Services,
    /// bench/RESULTS.md "Shared rule tables"); the small clusters of `--memory shared` retain 205 and 71 B, which
    /// underestimates the big ones' peaks by a third. IPVS 552 B (the node's kube-ipvs0 address, its local route and
    /// ipset entries; `--memory shared` retains 234 B; fitted the same way to the 200-node build) and eBPF 60 B (8 B retained;
    /// fitted to the 200-node build and the 1,000-node run, 0.94 and 1.04 of them), bench/RESULTS.md "Shared IPVS virtual
    /// services and eBPF service maps".
    /// </summary>
    public static long PerSharedServicePerNode(string mode) => mode switch
    {
        "iptables" => 267,
        "nftables" => 195,
        "ipvs" => 552,
        "ebpf" => 60,
        _ => 0,
    };

    /// <summary>Per endpoint of a shared Service port on each node: iptables 153 B (the same fit), nftables 16 B (`--memory shared`), IPVS and eBPF none (`--memory shared`: 0 B).</summary>
    public static long PerSharedEndpointPerNode(string mode) => mode switch
    {
        "iptables" => 153,
        "nftables" => 16,
        _ => 0,
    };

    /// <summary>
    /// Per Service port on each node where every node writes its own rules (Service ports with a Local traffic policy or
    /// zone hints), by proxy mode: iptables 1,686 B, IPVS 791 B, nftables 1,291 B, eBPF 307 B.
    /// </summary>
    public static long PerServicePerNode(string mode) => mode switch
    {
        "iptables" => 1_686,
        "ipvs" => 791,
        "nftables" => 1_291,
        "ebpf" => 307,
        _ => 0,
    };

    /// <summary>Per endpoint of a Service port on each node where every node writes its own rules: iptables 873 B, IPVS 101 B, nftables 507 B, eBPF 14 B.</summary>
    public static long PerEndpointPerNode(string mode) => mode switch
    {
        "iptables" => 873,
        "ipvs" => 101,
        "nftables" => 507,
        "ebpf" => 14,
        _ => 0,
    };

    /// <summary>
    /// The process's resident memory per byte of retained cluster state: 0.65, fitted to the peak RSS of `netsim run`
    /// on 50- and 100-node iptables, nftables and eBPF clusters (within 3 % of each; bench/RESULTS.md, "Memory").
    /// </summary>
    public const double ResidentPerRetained = 0.65;

    /// <summary>The .NET runtime, the loaded assemblies and the cost profile before any cluster: 125 MiB (the same fit).</summary>
    public const long Runtime = 125L << 20;

    /// <summary>An open-loop arrival's connection (sockets both ends, its transaction state): 2 KiB, from Poisson arrivals faster than served.</summary>
    public const long PerArrival = 2_000;
}
