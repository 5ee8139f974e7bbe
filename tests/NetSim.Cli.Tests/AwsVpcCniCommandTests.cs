namespace NetSim.Cli.Tests;

/// <summary>
/// aws-vpc-cni through the real netsim command: compare over overlay-overhead.yaml against host networking holds
/// every invariant, trace shows the pod's veth, the policy-routing rule and the ENI it leaves by, and too many pods
/// for the instance type is bad input (exit 2, one line naming the field).
/// </summary>
public sealed class AwsVpcCniCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-aws-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private const string SecondaryEni = """
        name: aws-secondary-eni
        duration: 20ms
        cluster:
          nodes: { count: 2, cores: 2 }
          nic: { rate: 10Gbps, mtu: 9001 }
        cni:
          datapath: aws-vpc-cni
          aws: { instance_type: t3.nano }
        workloads:
          - { name: first, placement: pinned, nodes: [node1] }
          - { name: client, placement: pinned, nodes: [node1] }
          - { name: server, placement: pinned, nodes: [node2] }
        traffic:
          - { name: rr, kind: rr, from: pod:client, to: pod:server }
        """;

    [Fact]
    public void Compare_on_overlay_overhead_holds_every_invariant_for_aws_vpc_cni_and_ptp()
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("compare", Path.Combine(BundledScenarioEndToEndTests.Repo(), "scenarios", "overlay-overhead.yaml"), "--datapaths", "host,calico-bgp,aws-vpc-cni,ptp",
            "--set", "duration=30ms", "--set", "traffic[0].duration=12ms", "--set", "traffic[1].start=15ms");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.DoesNotContain("invariant broken", stdout, StringComparison.Ordinal);
        Assert.Contains("aws-vpc-cni vs host:", stdout, StringComparison.Ordinal);
        Assert.Contains("ptp vs host:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Trace_shows_the_veth_the_rule_and_the_eni()
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("trace", Write("eni.yaml", SecondaryEni), "--from", "pod:client", "--to", "pod:server");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        var (runCode, run, _) = BundledScenarioEndToEndTests.Netsim("run", Write("eni-run.yaml", SecondaryEni));
        Assert.Equal(0, runCode);
        Assert.Contains("note: aws-vpc-cni node1 (t3.nano, max pods 4): 2 ENIs attached", run, StringComparison.Ordinal);
        string flat = string.Join(" ", stdout.Split('\n').Select(l => l.Replace("│", " ", StringComparison.Ordinal).Trim()));
        int veth = stdout.IndexOf("veth_xmit → eni", StringComparison.Ordinal);
        int rule = stdout.IndexOf("ip rule \"1536:", StringComparison.Ordinal);
        int eth1 = stdout.IndexOf("ip_output → eth1", StringComparison.Ordinal);
        Assert.True(veth >= 0 && rule > veth && eth1 > rule, flat);
    }

    [Fact]
    public void An_aws_scenario_compares_against_host_and_ptp()
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("compare", Write("eni-compare.yaml", SecondaryEni), "--datapaths", "host,ptp,aws-vpc-cni");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.DoesNotContain("invariant broken", stdout, StringComparison.Ordinal);
        Assert.Contains("aws-vpc-cni vs host:", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_many_pods_for_the_instance_type_is_bad_input()
    {
        string crowded = SecondaryEni.Replace("{ name: first, placement", "{ name: first, replicas: 3, placement", StringComparison.Ordinal);
        string outDir = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("run", Write("crowded.yaml", crowded), "--out", outDir);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("workloads[1].replicas", stderr, StringComparison.Ordinal);
        Assert.Contains("t3.nano has max pods 4", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());
    }
}
