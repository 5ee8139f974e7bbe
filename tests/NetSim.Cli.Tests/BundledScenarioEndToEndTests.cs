using NetSim.Reporting.Csv;
using NetSim.Reporting.Records;

namespace NetSim.Cli.Tests;

/// <summary>Every bundled scenario through the real netsim command and the real cluster runner (shortened).</summary>
public sealed class BundledScenarioEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static string Repo()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "NetSim.sln"))) root = Path.GetDirectoryName(root)!;
        return root;
    }

    internal static (int Code, string Stdout, string Stderr) Netsim(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("overlay-overhead.yaml", "duration=60ms", "traffic[0].duration=25ms", "traffic[1].start=30ms")]
    [InlineData("service-nodeport.yaml", "duration=40ms")]
    [InlineData("kube-proxy-scale.yaml", "duration=30ms", "services[0].count=200")]
    [InlineData("first-packet-latency.yaml", "duration=40ms")]
    [InlineData("cni-startup-dev.yaml", "duration=40ms", "traffic[2].duration=20ms")]
    [InlineData("cni-financial.yaml", "duration=25ms", "traffic[2].duration=10ms")]
    [InlineData("cni-hpc.yaml", "duration=40ms", "traffic[2].start=30ms", "traffic[0].duration=15ms", "traffic[1].duration=15ms")]
    [InlineData("ping.yaml", "duration=20ms")]
    [InlineData("trace-replay.yaml")]
    [InlineData("manifests/cluster.yaml", "duration=20ms")]
    [InlineData("cni/ipam-exhausted.yaml")]
    [InlineData("cni/dhcp-macvlan.yaml")]
    [InlineData("cni/multus-sriov.yaml", "duration=60ms", "traffic[0].duration=10ms", "traffic[1].start=12ms", "traffic[1].duration=10ms",
        "traffic[2].start=25ms", "traffic[2].duration=10ms", "traffic[3].start=37ms", "traffic[3].duration=10ms", "traffic[4].start=49ms", "traffic[4].duration=10ms")]
    [InlineData("cni/sriov-vlan.yaml", "duration=30ms", "traffic[0].duration=10ms", "traffic[1].start=12ms", "traffic[1].duration=8ms", "traffic[2].start=21ms", "traffic[2].duration=8ms")]
    [InlineData("netpol-9pod.yaml")]
    [InlineData("dns-lookup.yaml", "duration=300ms")]
    [InlineData("node-failure.yaml", "duration=250ms")]
    [InlineData("fabric-failure.yaml")]
    [InlineData("fabric-hang.yaml", "duration=2s", "cluster.fabric.bfd=true", "events[1].at=1950ms")]
    [InlineData("rolling-update.yaml", "duration=2s", "events[1].at=1900ms")]
    [InlineData("service-churn.yaml", "duration=1100ms", "events[0].count=300")]
    [InlineData("egress.yaml", "duration=30ms")]
    [InlineData("policy-change.yaml")]
    [InlineData("service-types.yaml", "duration=30ms")]
    [InlineData("service-types.yaml", "duration=30ms", "cluster.load_balancer=metallb-bgp")]
    [InlineData("service-types.yaml", "duration=30ms", "cluster.load_balancer=cloud")]
    [InlineData("topology-aware.yaml", "duration=30ms")]
    [InlineData("policy-scale.yaml", "duration=12ms", "warmup=2ms", "traffic[0].duration=5ms", "traffic[1].start=5ms", "traffic[1].duration=3ms", "traffic[2].start=8ms", "network_policies[0].count=100")]
    public void Each_bundled_scenario_runs_and_writes_its_tables_and_charts(string file, params string[] sets)
    {
        string outDir = Path.Combine(_dir, Path.GetFileNameWithoutExtension(file));
        var args = new List<string> { "run", Path.Combine(Repo(), "scenarios", file), "--out", outDir };
        foreach (string s in sets) args.AddRange(["--set", s]);
        var (code, stdout, stderr) = Netsim([.. args]);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        foreach (string csv in new[] { "summary.csv", "latency.csv", "flows.csv", "hops.csv", "cpu.csv", "drops.csv", "run.csv" })
            Assert.True(File.Exists(Path.Combine(outDir, csv)), csv);
        Assert.StartsWith("datapath,group,kind,goodput_gbps,p50_us", File.ReadAllText(Path.Combine(outDir, "summary.csv")), StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(outDir, "charts"), "*.png"));
        Assert.Contains("holds", stdout, StringComparison.Ordinal);
    }

    // compare over each bundled scenario's own list: CompareEveryBundledScenarioTests.

    /// <summary>
    /// dns-lookup, shortened to 7 s (the lookups every 50 ms, the crr group 100 ms): the race shows as 5 s lookups and
    /// insert_failed drops only without a fix; with single-request-reopen, NodeLocal DNSCache or use-vc (DNS over TCP)
    /// every lookup is fast. ndots:5 makes the external name cost more than its fully qualified form.
    /// </summary>
    [Theory]
    [InlineData("")]
    [InlineData("dns.single_request_reopen=true")]
    [InlineData("dns.node_local=true")]
    [InlineData("dns.use_vc=true")]
    public void Dns_lookup_shows_the_race_only_without_its_fix(string fixSetting)
    {
        bool fix = fixSetting.Length > 0;
        string outDir = Path.Combine(_dir, fix ? "dns-" + fixSetting.Split('=')[0] : "dns-race");
        var args = new List<string> { "run", Path.Combine(Repo(), "scenarios", "dns-lookup.yaml"), "--out", outDir, "--no-charts",
            "--set", "duration=7s", "--set", "traffic[3].duration=100ms" };
        if (fix) args.AddRange(["--set", fixSetting]);
        var (code, stdout, stderr) = Netsim([.. args]);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        var rows = File.ReadAllLines(Path.Combine(outDir, "summary.csv"));
        var header = rows[0].Split(',');
        double Cell(string group, string column) => double.Parse(rows.First(r => r.Split(',')[1] == group).Split(',')[Array.IndexOf(header, column)],
            System.Globalization.CultureInfo.InvariantCulture);
        double slowest = new[] { "external-ndots", "external-fqdn", "service-short" }.Max(g => Cell(g, "dns_p99_us"));
        bool dropped = File.ReadAllText(Path.Combine(outDir, "drops.csv")).Contains("ConntrackInsertFailed", StringComparison.Ordinal);
        if (fix)
        {
            Assert.True(slowest < 50_000, $"slowest lookup p99 {slowest} us with the fix");
            Assert.False(dropped);
            Assert.True(Cell("external-ndots", "dns_p50_us") > Cell("external-fqdn", "dns_p50_us"), "ndots:5 costs the external name three more query pairs");
            // The 30-record answer is truncated over UDP: the lookup pays a TCP handshake and round more (with use-vc every lookup does).
            if (fixSetting != "dns.use_vc=true")
                Assert.True(Cell("headless-30", "dns_p50_us") > Cell("service-short", "dns_p50_us"), "the TCP fallback costs the headless lookup a handshake");
            // A resolving client's latency is split into its DNS, connect and transfer parts.
            string latency = File.ReadAllText(Path.Combine(outDir, "latency.csv"));
            foreach (string part in new[] { "dns", "connect", "transfer" }) Assert.Contains($",web-crr,{part},", latency, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(slowest >= 4_900_000, $"slowest lookup p99 {slowest} us: no 5 s timeout without the fix"); // the histogram's stated error
            Assert.True(dropped);
        }
    }


    /// <summary>A folder of manifests run against a cluster file gives the same run as the file naming them itself.</summary>
    [Fact]
    public void A_folder_of_manifests_runs_with_a_cluster_file()
    {
        string manifests = Path.Combine(Repo(), "scenarios", "manifests");
        var viaCluster = Netsim("run", Path.Combine(manifests, "shop"), "--cluster", Path.Combine(manifests, "cluster.yaml"), "--set", "duration=15ms", "--no-charts");
        var viaField = Netsim("run", Path.Combine(manifests, "cluster.yaml"), "--set", "duration=15ms", "--no-charts");
        Assert.True(viaCluster.Code == 0, $"exit {viaCluster.Code}: {viaCluster.Stderr}\n{viaCluster.Stdout}");
        Assert.Contains("ConfigMap/cart-config", viaCluster.Stdout, StringComparison.Ordinal);
        Assert.Contains("4 policies enforced", viaCluster.Stdout, StringComparison.Ordinal);
        Assert.Equal(Fingerprint(viaField.Stdout), Fingerprint(viaCluster.Stdout));
    }

    private static string Fingerprint(string stdout) =>
        System.Text.RegularExpressions.Regex.Match(stdout, "fingerprint (0x[0-9a-f]+)").Groups[1].Value is { Length: > 0 } f ? f : throw new InvalidOperationException(stdout);

    [Fact]
    public void Run_of_the_ping_scenario_reports_each_ping_group_and_pings_summary()
    {
        string outDir = Path.Combine(_dir, "ping");
        var (code, stdout, stderr) = Netsim("run", Path.Combine(Repo(), "scenarios", "ping.yaml"), "--set", "duration=10ms", "--no-charts", "--out", outDir);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        var groups = CsvTable.Read<GroupSummary>(Path.Combine(outDir, "summary.csv")).ToDictionary(g => g.Group);
        Assert.All(new[] { "same-node", "cross-node", "pod-to-node", "node-to-pod" }, g =>
        {
            Assert.Equal("ping", groups[g].Kind);
            Assert.True(groups[g].P50Us > 1, $"{g}: p50 {groups[g].P50Us} µs");
        });
        Assert.True(groups["cross-node"].P50Us > groups["same-node"].P50Us);
        string text = stdout;
        Assert.Contains("ping same-node: 10 packets transmitted, 10 received, 0 lost (0% packet loss)", text, StringComparison.Ordinal);
        Assert.Contains("ping to-clusterip: 10 packets transmitted, 0 received", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_on_overlay_overhead_puts_host_first_and_vxlan_above_host_gw()
    {
        string outDir = Path.Combine(_dir, "compare");
        var (code, stdout, stderr) = Netsim("compare", Path.Combine(Repo(), "scenarios", "overlay-overhead.yaml"), "--datapaths", "host,flannel-host-gw,flannel-vxlan",
            "--set", "duration=80ms", "--set", "traffic[0].duration=30ms", "--set", "traffic[1].start=40ms", "--out", outDir);
        Assert.True(code == 0, stderr + stdout);
        var p50 = CsvTable.Read<GroupSummary>(Path.Combine(outDir, "summary.csv")).Where(g => g.Group == "rr").ToDictionary(g => g.Datapath, g => g.P50Us);
        Assert.True(p50["host"] < p50["flannel-host-gw"] && p50["host"] < p50["flannel-vxlan"], string.Join(", ", p50));
        Assert.True(p50["flannel-vxlan"] > p50["flannel-host-gw"], string.Join(", ", p50));
        Assert.Contains("flannel-vxlan vs host:", stdout, StringComparison.Ordinal);
        // The latency budget comes from a traced transaction: VXLAN shows up only on the overlay, and costs time.
        var budget = CsvTable.Read<BudgetRow>(Path.Combine(outDir, "budget.csv"));
        Assert.Contains(budget, b => b.Datapath == "flannel-vxlan" && b.Segment == "vxlan" && b.UsPerTransaction > 0);
        Assert.DoesNotContain(budget, b => b.Datapath == "host" && b.Segment == "vxlan");
        Assert.True(budget.Where(b => b.Datapath == "host").Sum(b => b.UsPerTransaction) < budget.Where(b => b.Datapath == "flannel-vxlan").Sum(b => b.UsPerTransaction));
    }

    [Fact]
    public void Two_runs_with_the_same_seed_write_identical_tables()
    {
        string a = Path.Combine(_dir, "a"), b = Path.Combine(_dir, "b");
        string scenario = Path.Combine(Repo(), "scenarios", "service-nodeport.yaml");
        Assert.Equal(0, Netsim("run", scenario, "--set", "duration=30ms", "--out", a).Code);
        Assert.Equal(0, Netsim("run", scenario, "--set", "duration=30ms", "--out", b).Code);
        foreach (string csv in new[] { "summary.csv", "latency.csv", "flows.csv", "hops.csv", "cpu.csv", "drops.csv" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, csv)), File.ReadAllBytes(Path.Combine(b, csv)));
    }

    [Fact]
    public void Pcap_captures_the_matching_interfaces_in_nanosecond_pcap()
    {
        string outDir = Path.Combine(_dir, "pcap");
        var (code, stdout, stderr) = Netsim("run", Path.Combine(Repo(), "scenarios", "overlay-overhead.yaml"), "--set", "duration=30ms",
            "--set", "traffic[0].duration=5ms", "--set", "traffic[1].start=10ms", "--out", outDir, "--pcap", "*/flannel.1");
        Assert.True(code == 0, stderr + stdout);
        var files = Directory.GetFiles(Path.Combine(outDir, "pcap")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["node1_host_flannel.1.pcap", "node2_host_flannel.1.pcap"], files);
        byte[] bytes = File.ReadAllBytes(Path.Combine(outDir, "pcap", "node1_host_flannel.1.pcap"));
        Assert.True(bytes.Length > 1000);
        Assert.Equal(0xa1b23c4du, BitConverter.ToUInt32(bytes, 0)); // nanosecond pcap magic
    }

    /// <summary>
    /// trace --to dns:NAME walks the lookup first, every query and answer hop by hop (DNAT to the CoreDNS pod on the way
    /// in), then the exchange with the server the name leads to; an outside name is its lookup alone. ndots:5 makes
    /// web.default.svc.cluster.local and example.com try four names (an A and an AAAA query and their answers each);
    /// shards' 30 A records come back truncated, so its lookup goes on over TCP to port 53.
    /// </summary>
    [Theory]
    [InlineData("dns:web.default.svc.cluster.local", true, 16, false)]
    [InlineData("dns:example.com", false, 16, false)]
    [InlineData("dns:shards", true, 0, true)]
    public void Trace_to_a_name_shows_the_lookup_hop_by_hop_before_the_connection(string to, bool connects, int udpDns, bool overTcp)
    {
        var (code, stdout, stderr) = Netsim("trace", Path.Combine(Repo(), "scenarios", "dns-lookup.yaml"), "--from", "pod:client", "--to", to,
            "--set", "dns.replicas=1"); // one CoreDNS pod: no A/AAAA race in the traced lookup
        Assert.True(code == 0, stderr + stdout);
        var packets = stdout.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d+\. (UDP|TCP)")).ToList();
        bool Dns(string l) => l.Contains(":53 ", StringComparison.Ordinal);
        Assert.True(packets.Count > 0 && Dns(packets[0]), stdout);
        int lastDns = packets.FindLastIndex(Dns), firstExchange = packets.FindIndex(l => !Dns(l));
        if (connects) Assert.True(firstExchange > lastDns, $"the exchange (packet {firstExchange + 1}) must follow the lookup (last DNS packet {lastDns + 1})\n{stdout}");
        else Assert.Equal(-1, firstExchange);
        if (udpDns > 0) Assert.Equal(udpDns, packets.Count(l => Dns(l) && l.Contains("UDP", StringComparison.Ordinal)));
        Assert.Equal(overTcp, packets.Any(l => Dns(l) && l.Contains("TCP SYN ", StringComparison.Ordinal)));
        Assert.Contains("DNAT", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Trace_walks_a_request_through_kube_proxy()
    {
        var (code, stdout, stderr) = Netsim("trace", Path.Combine(Repo(), "scenarios", "kube-proxy-scale.yaml"), "--from", "pod:client", "--to", "service:target:80",
            "--set", "services[0].count=20", "--first");
        Assert.True(code == 0, stderr + stdout);
        string text = stdout;
        // Sent to the ClusterIP on port 80, the SYN arrives DNATed at a backend's target port 8080 on node2.
        Assert.Contains("service:target:80", text, StringComparison.Ordinal);
        Assert.Contains(":8080 (0 B)", text, StringComparison.Ordinal);
        Assert.Contains("pod/backend-", text, StringComparison.Ordinal);
        Assert.Contains("DNAT", text, StringComparison.Ordinal);
    }
}
