namespace NetSim.Cli.Tests;

/// <summary>
/// scenarios/cni/multus-sriov.yaml through the real command: the summary prints each pod's network-status (eth0 from
/// the cluster CNI, net1 a VF with its PCI address), net1 is faster than eth0, and `netsim trace` to pod:server@net1
/// walks the VF, its NIC's embedded switch and the fast network's switch, with no veth or VXLAN hop.
/// </summary>
public sealed class MultusSriovCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-multus-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Scenario => Path.Combine(BundledScenarioEndToEndTests.Repo(), "scenarios", "cni", "multus-sriov.yaml");

    [Fact]
    public void The_run_prints_network_status_and_net1_beats_eth0()
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("run", Scenario, "--out", _dir, "--no-charts",
            "--set", "duration=60ms", "--set", "traffic[0].duration=10ms", "--set", "traffic[1].start=12ms", "--set", "traffic[1].duration=10ms",
            "--set", "traffic[2].start=25ms", "--set", "traffic[2].duration=10ms", "--set", "traffic[3].start=37ms", "--set", "traffic[3].duration=10ms",
            "--set", "traffic[4].start=49ms", "--set", "traffic[4].duration=10ms");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        string flat = string.Join(" ", stdout.Split('\n').Select(l => l.Trim()));
        Assert.Contains("network-status default/client-0:", flat, StringComparison.Ordinal);
        Assert.Contains("\"interface\":\"net1\"", flat.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("\"pci-address\":\"0000:5e:02.0\"", flat.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var rows = File.ReadAllLines(Path.Combine(_dir, "summary.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[1], c => c);
        double Gbps(string g) => double.Parse(rows[g][3], System.Globalization.CultureInfo.InvariantCulture);
        double P50(string g) => double.Parse(rows[g][4], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Gbps("net1-stream") > Gbps("eth0-stream"), $"net1 {Gbps("net1-stream")} vs eth0 {Gbps("eth0-stream")} Gbit/s");
        Assert.True(P50("net1-rr") < P50("eth0-rr"), $"net1 {P50("net1-rr")} vs eth0 {P50("eth0-rr")} us");
        Assert.True(P50("vf-to-vf-rr") < P50("net1-rr"), $"VF to VF {P50("vf-to-vf-rr")} vs across the wire {P50("net1-rr")} us");
    }

    [Fact]
    public void Trace_to_net1_walks_the_vf_and_the_embedded_switch_and_no_overlay()
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("trace", Scenario, "--from", "pod:client", "--to", "pod:server@net1", "--port", "5201");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.Contains("10.200.1.2:5201", stdout, StringComparison.Ordinal);
        Assert.Contains("eth1v0 (VF)", stdout, StringComparison.Ordinal);
        Assert.Contains("eswitch", stdout, StringComparison.Ordinal);
        Assert.Contains("fast/port", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("flannel.1", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("veth", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_changes_eth0s_cni_and_keeps_net1_on_the_vf()
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("compare", Scenario,
            "--set", "duration=30ms", "--set", "traffic[0].duration=5ms", "--set", "traffic[1].start=6ms", "--set", "traffic[1].duration=5ms",
            "--set", "traffic[2].start=12ms", "--set", "traffic[2].duration=5ms", "--set", "traffic[3].start=18ms", "--set", "traffic[3].duration=5ms",
            "--set", "traffic[4].start=24ms", "--set", "traffic[4].duration=5ms");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.Contains("flannel-vxlan (baseline)", stdout, StringComparison.Ordinal);
        Assert.Contains("cilium-ebpf", stdout, StringComparison.Ordinal);
        Assert.Contains("pod:client → pod:server@net1", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("broken", stdout, StringComparison.Ordinal);
    }
}
