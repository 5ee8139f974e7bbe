using System.Globalization;
using System.Text;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;

namespace NetSim.Experiments.Advice;

/// <summary>
/// The scenario advise runs when none is given: the required nodes and pods (routes, IPAM blocks and Service
/// endpoints at full size), and a representative traffic mix scaled down in time so each run takes seconds: one
/// TCP stream between pods on two nodes, then TCP_RR and connection setup (TCP_CRR) through a Service.
/// </summary>
public static class AdviceScenario
{
    /// <summary>Simulated time per run and the part of it the metrics leave out.</summary>
    public const string Duration = "30ms", Warmup = "5ms";

    /// <summary>Cores per node: the scenario's own default machine is not sized for a cluster; 8 is assumed and printed.</summary>
    public const int CoresPerNode = 8;

    public const string StreamGroup = "stream", RrGroup = "service-rr", CrrGroup = "connection-setup";

    public static string ScaleNote(Requirements r) =>
        $"derived scenario: {r.Nodes} nodes ({CoresPerNode} cores each, {Fmt(r.NicRateBps / 1e9)} Gbit/s NIC, MTU {r.Mtu}), {r.Pods} pods, " +
        $"{(r.Fabric == Fabric.Routed ? "a two-rack leaf-spine fabric" : "one switch")}; traffic scaled down to {Duration} per run " +
        $"({Warmup} warm-up): a TCP stream pod to pod across nodes (10 ms), then TCP_RR and TCP_CRR (64 B each way) through a Service to pods on another node";

    /// <summary>Service backends of the request/response groups: pinned to node1 so every datapath's round trips cross nodes.</summary>
    public const int EchoReplicas = 2;

    public static string Yaml(Requirements r)
    {
        int echo = Math.Min(EchoReplicas, r.Pods - 2);
        int clients = (r.Pods - echo) / 2, servers = r.Pods - echo - clients;
        int serverAcross = FirstOffNode0(r.Nodes, clients, servers, 0, -1);
        int rrClient = FirstOffNode0(r.Nodes, 0, clients, 1, -1);
        int crrClient = FirstOffNode0(r.Nodes, 0, clients, rrClient + 1, rrClient);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Derived by netsim advise from {Path.GetFileName(r.File)}: {ScaleNote(r)}.");
        sb.AppendLine(CultureInfo.InvariantCulture, $"name: {r.Name}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"description: 'netsim advise: {r.Nodes} nodes, {r.Pods} pods, stream + Service TCP_RR + TCP_CRR'");
        sb.AppendLine(CultureInfo.InvariantCulture, $"seed: {r.Seed}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"duration: {Duration}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"warmup: {Warmup}");
        sb.AppendLine("cluster:");
        string racks = r.Fabric == Fabric.Routed ? ", racks: 2" : "";
        sb.AppendLine(CultureInfo.InvariantCulture, $"  nodes: {{ count: {r.Nodes}, cores: {CoresPerNode}{racks} }}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  nic: {{ rate: {ScenarioWriter.FormatRate(r.NicRateBps)}, mtu: {r.Mtu} }}");
        if (r.Fabric == Fabric.Routed) sb.AppendLine("  fabric: { type: leaf-spine, racks: 2 }");
        sb.AppendLine("cni:");
        sb.AppendLine("  datapath: host");
        if (r.EncryptionRequired) sb.AppendLine("  encryption: true");
        sb.AppendLine("workloads:");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  - {{ name: client, replicas: {clients} }}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  - {{ name: server, replicas: {servers}, ports: [{{ name: http, port: 8080 }}] }}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  - {{ name: echo, replicas: {echo}, placement: pinned, nodes: [node1], ports: [{{ name: http, port: 8080 }}] }}");
        sb.AppendLine("services:");
        sb.AppendLine("  - { name: echo, selector: { app: echo }, ports: [{ port: 80, target_port: http }] }");
        sb.AppendLine("traffic:");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  - {{ name: {StreamGroup}, kind: bulk, from: pod:client-0, to: pod:server-{serverAcross}, duration: 10ms }}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  - {{ name: {RrGroup}, kind: rr, from: pod:client-{rrClient}, to: \"service:echo:80\", request_size: 64, response_size: 64, start: 12ms }}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"  - {{ name: {CrrGroup}, kind: crr, from: pod:client-{crrClient}, to: \"service:echo:80\", request_size: 64, response_size: 64, start: 12ms }}");
        return sb.ToString();
    }

    /// <summary>
    /// Pods are spread round-robin from node1 (clients first, then servers; echo is pinned): the first replica from
    /// <paramref name="from"/> of a workload placed after <paramref name="before"/> pods that is not on node1 and not <paramref name="not"/>.
    /// </summary>
    private static int FirstOffNode0(int nodes, int before, int replicas, int from, int not)
    {
        for (int k = from; k < replicas; k++)
            if ((before + k) % nodes != 0 && k != not) return k;
        for (int k = 0; k < replicas; k++)
            if ((before + k) % nodes != 0 && k != not) return k;
        return Math.Min(from, replicas - 1);
    }

    private static string Fmt(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
