namespace NetSim.Cli.Tests;

/// <summary>
/// macvlan, ipvlan, static and whereabouts through the real netsim command: compare over overlay-overhead.yaml with the
/// macvlan and ipvlan datapaths holds every invariant, trace shows the macvlan hops and no bridge or host routing, and bad input
/// (a fabric macvlan cannot use, a bad conflist) exits 2 with one line naming file, line and field.
/// </summary>
public sealed class MacvlanCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-macvlan-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string OverlayOverhead => Path.Combine(BundledScenarioEndToEndTests.Repo(), "scenarios", "overlay-overhead.yaml");

    [Fact]
    public void Compare_on_overlay_overhead_holds_every_invariant_for_macvlan_and_ipvlan()
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("compare", OverlayOverhead, "--datapaths", "host,bridge,macvlan,ipvlan",
            "--set", "duration=30ms", "--set", "traffic[0].duration=12ms", "--set", "traffic[1].start=15ms");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.DoesNotContain("invariant broken", stdout, StringComparison.Ordinal);
        Assert.Contains("macvlan vs host:", stdout, StringComparison.Ordinal);
        Assert.Contains("ipvlan vs host:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Trace_shows_the_macvlan_hops_and_no_bridge()
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("trace", OverlayOverhead, "--from", "pod:client", "--to", "pod:server", "--datapath", "macvlan");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        int xmit = stdout.IndexOf("macvlan_queue_xmit", StringComparison.Ordinal);
        int rx = stdout.IndexOf("macvlan_handle_frame", StringComparison.Ordinal);
        Assert.True(xmit >= 0 && rx > xmit, stdout);
        Assert.DoesNotContain("cni0", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("ip_forward", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Macvlan_on_a_leaf_spine_fabric_is_bad_input()
    {
        string path = Write("leafspine.yaml", """
            name: mv-leaf-spine
            cluster:
              nodes: { count: 2, racks: 2 }
              fabric: { type: leaf-spine }
            cni:
              datapath: macvlan
            workloads:
              - { name: client }
            """);
        AssertBadInput(BundledScenarioEndToEndTests.Netsim("run", path), "leafspine.yaml:6", "cni.datapath");
    }

    [Fact]
    public void An_unmodelled_ipam_in_the_conflist_is_bad_input_naming_the_ipams_there_are()
    {
        Write("azure.conf", """{"cniVersion":"0.3.1","name":"macvlan-net","type":"macvlan","master":"eth0","mode":"bridge","ipam":{"type":"azure-vnet-ipam"}}""");
        string path = Write("azure.yaml", """
            name: mv-azure
            cluster:
              nodes: { count: 1 }
            cni:
              datapath: macvlan
              conflist: azure.conf
            workloads:
              - { name: client }
            """);
        AssertBadInput(BundledScenarioEndToEndTests.Netsim("validate", path), "azure.yaml:6", "cni.conflist",
            "IPAM plugin \"azure-vnet-ipam\" is not modelled; NetSim has calico-ipam, dhcp, host-local, static, whereabouts");
    }

    [Fact]
    public void A_bad_macvlan_mode_is_bad_input_before_anything_runs()
    {
        Write("loud.conf", """{"cniVersion":"1.0.0","name":"mv","type":"macvlan","mode":"loud","ipam":{"type":"whereabouts","range":"10.244.0.0/16"}}""");
        string outDir = Path.Combine(_dir, "out");
        string path = Write("loud.yaml", """
            name: mv-loud
            cluster:
              nodes: { count: 1 }
            cni:
              datapath: macvlan
              conflist: loud.conf
            workloads:
              - { name: client }
            """);
        AssertBadInput(BundledScenarioEndToEndTests.Netsim("run", path, "--out", outDir), "loud.yaml:6", "cni.conflist", "unknown macvlan mode: \"loud\"");
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());
    }

    /// <summary>Exit 2, nothing on stdout, one line on stderr holding each of <paramref name="parts"/>.</summary>
    private static void AssertBadInput((int Code, string Stdout, string Stderr) run, params string[] parts)
    {
        Assert.Equal(2, run.Code);
        Assert.Equal("", run.Stdout);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        foreach (string part in parts) Assert.Contains(part, run.Stderr, StringComparison.Ordinal);
    }
}
