using NetSim.Engine.Diagnostics;
using NetSim.Topologies.Build;
using NetSim.Topologies.Cni.Plugins;
using NetSim.Topologies.Scenarios;
using NetSim.Topologies.Scenarios.Model;
using NetSim.Topologies.Tests.Build;

namespace NetSim.Topologies.Tests.Manifests;

/// <summary>
/// Multus as manifests write it: a NetworkAttachmentDefinition (k8s.cni.cncf.io/v1, spec.config a JSON string, the
/// resourceName annotation) and a Deployment whose pod template carries k8s.v1.cni.cncf.io/networks; the pods get net1.
/// A selection of a definition that does not exist is refused at the manifest.
/// </summary>
public sealed class NetworkAttachmentManifestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-nad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Cluster = """
        name: m
        duration: 10ms
        cluster:
          nodes: { count: 2 }
          nics:
            - { name: eth1, rate: 100Gbps, network: fast, cidr: 10.200.0.0/16, sriov_numvfs: 4, resource: intel.com/sriov }
        cni: { datapath: flannel-vxlan }
        manifests: [app.yaml]
        traffic:
          - { name: rr, kind: rr, from: pod:hpc-0, to: pod:hpc-1@net1 }
        """;

    private static string App(string network) => $$$"""
        apiVersion: k8s.cni.cncf.io/v1
        kind: NetworkAttachmentDefinition
        metadata:
          name: sriov-net
          annotations:
            k8s.v1.cni.cncf.io/resourceName: intel.com/sriov
        spec:
          config: '{"cniVersion":"0.3.1","name":"sriov-net","type":"sriov","ipam":{"type":"whereabouts","range":"10.200.1.0/24"}}'
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: hpc }
        spec:
          replicas: 2
          selector: { matchLabels: { app: hpc } }
          template:
            metadata:
              labels: { app: hpc }
              annotations:
                k8s.v1.cni.cncf.io/networks: {{{network}}}
            spec:
              containers: [{ name: mpi, image: mpi }]
        """;

    private Scenario Load(string app)
    {
        File.WriteAllText(Path.Combine(_dir, "app.yaml"), app);
        File.WriteAllText(Path.Combine(_dir, "cluster.yaml"), Cluster);
        return ScenarioLoader.Load(Path.Combine(_dir, "cluster.yaml"));
    }

    [Fact]
    public void A_definition_and_an_annotated_deployment_give_each_pod_net1()
    {
        var s = Load(App("sriov-net"));
        var nad = Assert.Single(s.NetworkAttachments);
        Assert.Equal(("default", "sriov-net", "intel.com/sriov"), (nad.Namespace, nad.Name, nad.Resource));
        Assert.Equal("net1", s.Workloads.Single().Networks.Single().Interface);
        var c = ClusterBuilder.Build(s, ClusterSimulationTests.Profile());
        foreach (var pod in c.Pods)
            Assert.IsType<NetSim.Datapaths.Devices.PhysicalDevice>(PodInterface.Find(pod.Namespace, "net1"));
    }

    [Fact]
    public void A_selection_of_a_missing_definition_is_refused_at_the_manifest()
    {
        var e = Assert.Throws<InputException>(() => Load(App("other-net")));
        Assert.Contains("app.yaml", e.File, StringComparison.Ordinal);
        Assert.Contains("cannot find a network-attachment-definition (other-net) in namespace (default)", e.Message, StringComparison.Ordinal);
    }
}
