namespace NetSim.Topologies.Tests.Dynamics;

/// <summary>
/// The cluster the event tests change: a client pod on node1 opening a connection every 250 us (Poisson) to Service
/// web, whose two pods run on node2 and node3, over Calico BGP on 10 Gbit/s; 300 ms long. Tests append "events:".
/// </summary>
internal static class WebBehindService
{
    public const string Yaml = """
        name: web-behind-service
        seed: 1
        duration: 300ms
        cluster:
          nodes: { count: 3 }
          nic: { rate: 10Gbps }
        cni: { datapath: calico-bgp }
        workloads:
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: web, replicas: 2, placement: pinned, nodes: [node2, node3], ports: [{ name: http, port: 8080 }] }
        services:
          - { name: web, selector: { app: web }, ports: [{ port: 80, target_port: http }] }
        traffic:
          - { name: open, kind: poisson, from: pod:client, to: "service:web:80", mean_interarrival: 250us }

        """;
}
