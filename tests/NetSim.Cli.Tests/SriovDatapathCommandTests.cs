using System.Buffers.Binary;
using System.Globalization;

namespace NetSim.Cli.Tests;

/// <summary>
/// The sriov and host-device datapaths through the real netsim command: compare over overlay-overhead.yaml holds every
/// invariant, trace walks the VF and the NIC's embedded switch (sriov) or the pod's own NIC (host-device) with no veth,
/// bridge or host forwarding, scenarios/cni/sriov-vlan.yaml puts its VFs' 802.1Q tag on the wire (read back from the
/// port's capture) and holds the stream to max_tx_rate, and what these datapaths cannot do exits 2 with one line.
/// </summary>
public sealed class SriovDatapathCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-sriov-dp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Scenario(string file) => Path.Combine(BundledScenarioEndToEndTests.Repo(), "scenarios", file);

    [Fact]
    public void Compare_on_overlay_overhead_holds_every_invariant_for_sriov_and_host_device()
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("compare", Scenario("overlay-overhead.yaml"), "--datapaths", "sriov,host-device",
            "--set", "duration=30ms", "--set", "traffic[0].duration=12ms", "--set", "traffic[1].start=15ms");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.DoesNotContain("invariant broken", stdout, StringComparison.Ordinal);
        Assert.Contains("sriov vs host:", stdout, StringComparison.Ordinal);
        Assert.Contains("host-device vs host:", stdout, StringComparison.Ordinal);
        // Their pods' stack runs outside the host's netns: the pod-path CPU invariant does not weigh them against host.
        Assert.Contains("sriov not judged: its pods run the stack on a device of their own", System.Text.RegularExpressions.Regex.Replace(stdout, @"\s+", " "), StringComparison.Ordinal);
    }

    [Fact]
    public void Trace_on_sriov_walks_the_vf_driver_then_the_embedded_switch_then_the_wire()
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("trace", Scenario("overlay-overhead.yaml"), "--from", "pod:client", "--to", "pod:server", "--datapath", "sriov");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        int vf = stdout.IndexOf("eth0v0 (VF, iavf)", StringComparison.Ordinal);
        int eswitch = stdout.IndexOf("eswitch/port", StringComparison.Ordinal);
        int wire = stdout.IndexOf("node2-switch", StringComparison.Ordinal);
        Assert.True(vf >= 0 && eswitch > vf && wire > eswitch, stdout);
        foreach (string hostHop in new[] { "veth", "cni0", "ip_forward", "host/ip_rcv" }) Assert.DoesNotContain(hostHop, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Trace_on_host_device_walks_the_pods_own_nic_and_nothing_of_the_host()
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("trace", Scenario("overlay-overhead.yaml"), "--from", "pod:client", "--to", "pod:server", "--datapath", "host-device");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.Contains("eth1 (NIC)", stdout, StringComparison.Ordinal);
        Assert.Contains("eth1/rx", stdout, StringComparison.Ordinal);
        foreach (string other in new[] { "veth", "cni0", "ip_forward", "eswitch", "eth0 (NIC)" }) Assert.DoesNotContain(other, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Sriov_vlan_tags_every_frame_on_the_wire_and_paces_the_stream_at_max_tx_rate()
    {
        string outDir = Path.Combine(_dir, "vlan");
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("run", Scenario("cni/sriov-vlan.yaml"), "--out", outDir, "--no-charts",
            "--pcap", "node1/eswitch/eth0", "--set", "duration=40ms", "--set", "traffic[0].duration=15ms",
            "--set", "traffic[1].start=18ms", "--set", "traffic[1].duration=10ms", "--set", "traffic[2].start=29ms", "--set", "traffic[2].duration=10ms");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        var rows = File.ReadAllLines(Path.Combine(outDir, "summary.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[1], c => c);
        double Col(string g, int i) => double.Parse(rows[g][i], CultureInfo.InvariantCulture);
        Assert.InRange(Col("stream", 3), 4.0, 5.0); // max_tx_rate 5000 Mbit/s of frames: the goodput just under it
        Assert.True(Col("rr-vf-to-vf", 4) < Col("rr-wire", 4), $"VF to VF {Col("rr-vf-to-vf", 4)} us vs across the wire {Col("rr-wire", 4)} us");
        var tags = Tags(Path.Combine(outDir, "pcap", "node1_eswitch_eth0.pcap"));
        Assert.NotEmpty(tags);
        Assert.All(tags, t => Assert.Equal((0x8100, 4, 1000), t)); // TPID 0x8100, PCP 4 (vlanQoS), VID 1000
    }

    /// <summary>Each frame's TPID, priority and VLAN id, read from a pcap file's records (24-byte file header, 16 per record).</summary>
    private static List<(int Tpid, int Pcp, int Vid)> Tags(string pcap)
    {
        byte[] b = File.ReadAllBytes(pcap);
        var tags = new List<(int, int, int)>();
        for (int at = 24; at + 16 <= b.Length;)
        {
            int len = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(at + 8));
            var frame = b.AsSpan(at + 16, len);
            int tci = BinaryPrimitives.ReadUInt16BigEndian(frame[14..]);
            tags.Add((BinaryPrimitives.ReadUInt16BigEndian(frame[12..]), tci >> 13, tci & 0xFFF));
            at += 16 + len;
        }
        return tags;
    }

    private const string Cluster = """
        cluster:
          nodes: { count: 2 }
          fabric: { type: single-switch }
        """;

    [Fact]
    public void Service_traffic_on_sriov_is_refused_naming_the_traffic()
    {
        string path = Write("svc.yaml", "name: sriov-svc\n" + Cluster + """

            cni:
              datapath: sriov
            workloads:
              - { name: web, ports: [{ name: http, port: 8080 }] }
              - { name: client }
            services:
              - { name: web, selector: { app: web }, ports: [{ port: 80, target_port: http }] }
            traffic:
              - { name: get, kind: rr, from: pod:client, to: service:web }
            """);
        AssertBadInput(BundledScenarioEndToEndTests.Netsim("validate", path), "svc.yaml:", "traffic[0].to", "kube-proxy");
    }

    [Fact]
    public void A_compare_list_with_host_device_and_service_traffic_is_refused_at_that_entry()
    {
        string path = Write("svc-compare.yaml", "name: hd-svc\n" + Cluster + """

            cni:
              datapath: bridge
            workloads:
              - { name: web, ports: [{ name: http, port: 8080 }] }
              - { name: client }
            services:
              - { name: web, type: NodePort, selector: { app: web }, ports: [{ port: 80, target_port: http }] }
            traffic:
              - { name: get, kind: rr, from: external:client, to: nodeport:web }
            compare: [host, host-device]
            """);
        AssertBadInput(BundledScenarioEndToEndTests.Netsim("validate", path), "svc-compare.yaml:", "compare[1]", "NodePort");
    }

    [Fact]
    public void More_pods_on_a_node_than_its_nic_has_vfs_is_refused()
    {
        string path = Write("many.yaml", "name: sriov-many\n" + Cluster + """

            cni:
              datapath: sriov
            workloads:
              - { name: crowd, replicas: 65, placement: pinned, nodes: [node1] }
            """);
        AssertBadInput(BundledScenarioEndToEndTests.Netsim("validate", path), "many.yaml:", "cni.datapath", "node1 runs 65 pods but its eth0 has 64 VFs");
    }

    [Fact]
    public void A_nic_without_vfs_is_refused_for_sriov()
    {
        string path = Write("virtio.yaml", "name: sriov-virtio\n" + """
            cluster:
              nodes: { count: 2 }
              nic: { driver: virtio_net }
              fabric: { type: single-switch }
            cni:
              datapath: sriov
            workloads:
              - { name: client }
            """);
        AssertBadInput(BundledScenarioEndToEndTests.Netsim("validate", path), "virtio.yaml:", "cluster.nic.driver", "no SR-IOV virtual functions");
    }

    [Fact]
    public void Sriov_and_host_device_on_a_leaf_spine_fabric_are_refused()
    {
        foreach (string dp in new[] { "sriov", "host-device" })
        {
            string path = Write($"ls-{dp}.yaml", $$"""
                name: ls-{{dp}}
                cluster:
                  nodes: { count: 2, racks: 2 }
                  fabric: { type: leaf-spine }
                cni:
                  datapath: {{dp}}
                workloads:
                  - { name: client }
                """);
            AssertBadInput(BundledScenarioEndToEndTests.Netsim("validate", path), $"ls-{dp}.yaml:6", "cni.datapath", "single-switch");
        }
    }

    [Fact]
    public void A_qinq_vlan_proto_is_refused_as_not_modelled()
    {
        Write("qinq.conf", """{"cniVersion":"0.3.1","name":"sriov-qinq","type":"sriov","vlan":1000,"vlanProto":"802.1ad","ipam":{"type":"whereabouts","range":"10.244.0.0/16"}}""");
        string path = Write("qinq.yaml", "name: sriov-qinq\n" + Cluster + """

            cni:
              datapath: sriov
              conflist: qinq.conf
            workloads:
              - { name: client }
            """);
        AssertBadInput(BundledScenarioEndToEndTests.Netsim("run", path, "--out", Path.Combine(_dir, "qinq")), "qinq.yaml", "802.1ad");
    }

    [Fact]
    public void Min_tx_rate_fails_the_pod_on_i40e_and_is_accepted_on_mlx5()
    {
        Write("min.conf", """{"cniVersion":"0.3.1","name":"sriov-min","type":"sriov","min_tx_rate":100,"max_tx_rate":1000,"ipam":{"type":"whereabouts","range":"10.244.0.0/16"}}""");
        foreach (var (driver, fails) in new[] { ("i40e", true), ("mlx5", false) })
        {
            string path = Write($"min-{driver}.yaml", $$"""
                name: sriov-min-{{driver}}
                duration: 5ms
                cluster:
                  nodes: { count: 2 }
                  nic: { driver: {{driver}} }
                  fabric: { type: single-switch }
                cni:
                  datapath: sriov
                  conflist: min.conf
                workloads:
                  - { name: client, placement: pinned, nodes: [node1] }
                  - { name: server, placement: pinned, nodes: [node2] }
                traffic:
                  - { name: ping, kind: ping, from: pod:client, to: pod:server, count: 2 }
                """);
            var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("run", path, "--out", Path.Combine(_dir, driver), "--no-charts");
            Assert.True(code == 0, $"{driver}: exit {code}: {stderr}\n{stdout}");
            Assert.Equal(fails, stdout.Contains("min_tx_rate to 100 Mbps", StringComparison.Ordinal));
        }
    }

    /// <summary>Exit 2, nothing on stdout, one line on stderr holding each of <paramref name="parts"/>.</summary>
    private static void AssertBadInput((int Code, string Stdout, string Stderr) run, params string[] parts)
    {
        Assert.True(run.Code == 2, $"exit {run.Code}: {run.Stderr}\n{run.Stdout}");
        Assert.Equal("", run.Stdout);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        foreach (string part in parts) Assert.Contains(part, run.Stderr, StringComparison.Ordinal);
    }
}
