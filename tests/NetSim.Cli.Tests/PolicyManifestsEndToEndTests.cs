namespace NetSim.Cli.Tests;

/// <summary>
/// The bundled manifest folders of Calico's and Cilium's policy kinds (scenarios/manifests/calico-policies,
/// cilium-policies) end to end: policy-matrix measures the expected table through every datapath whose agent reads
/// them (Canal too), the cluster files run, and a refused field in a manifest exits 2 naming file, document and field.
/// </summary>
public sealed class PolicyManifestsEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("netsim-policy-manifests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Manifests(string name) => Path.Combine(BundledScenarioEndToEndTests.Repo(), "scenarios", "manifests", name);

    [Theory]
    [InlineData("calico", "calico-bgp")]
    [InlineData("calico", "calico-ebpf")]
    [InlineData("calico", "calico-ipip")]
    [InlineData("calico", "flannel-vxlan", "cni.policy_agent=canal")]
    [InlineData("cilium", "cilium-ebpf")]
    [InlineData("cilium", "cilium-legacy")]
    public void The_bundled_policies_give_their_expected_table(string kind, string datapath, params string[] sets)
    {
        var args = new List<string> { "policy-matrix", Manifests($"{kind}-policies"), "--cluster", Manifests($"{kind}-cluster.yaml"), "--datapath", datapath,
            "--expect", Manifests($"{kind}-policies.expected.txt") };
        foreach (string s in sets) args.AddRange(["--set", s]);
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim([.. args]);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.Contains("as expected", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Directions_print_an_ingress_and_an_egress_table_that_read_back()
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("policy-matrix", Manifests("calico-cluster.yaml"), "--directions");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        var tables = NetSim.Topologies.Policy.ReachabilityTable.Parse(stdout, "stdout");
        Assert.Equal(["TCP/80", "TCP/80 EGRESS", "TCP/80 INGRESS"], tables.Keys.Order(StringComparer.Ordinal));
        // Every isolation in calico-policies is on ingress (the egress GNP only denies the metadata address).
        Assert.Empty(tables["TCP/80"].Differences(tables["TCP/80 INGRESS"]));
        Assert.DoesNotContain('X', tables["TCP/80 EGRESS"].ToString());
        // Read back as an expectation file, the printed tables are as expected.
        string file = Path.Combine(_dir, "expected.txt");
        File.WriteAllText(file, stdout);
        var again = BundledScenarioEndToEndTests.Netsim("policy-matrix", Manifests("calico-cluster.yaml"), "--directions", "--expect", file);
        Assert.True(again.Code == 0, again.Stdout);
    }

    [Fact]
    public void Plain_flannel_does_not_enforce_them()
    {
        var (code, stdout, _) = BundledScenarioEndToEndTests.Netsim("policy-matrix", Manifests("calico-cluster.yaml"), "--datapath", "flannel-vxlan",
            "--expect", Manifests("calico-policies.expected.txt"));
        Assert.Equal(1, code);
        Assert.Contains("warning: flannel-vxlan enforces no NetworkPolicy", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("calico")]
    [InlineData("cilium")]
    public void The_cluster_files_run(string kind)
    {
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("run", Manifests($"{kind}-cluster.yaml"), "--out", Path.Combine(_dir, kind), "--no-charts");
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.Contains("policies enforced in the", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dir, kind, "drops.csv")));
    }

    [Theory]
    [InlineData("cilium.io/v2", "CiliumNetworkPolicy", "{ endpointSelector: {}, egress: [{ toFQDNs: [{ matchName: example.com }] }] }", "spec.egress[0].toFQDNs")]
    [InlineData("cilium.io/v2", "CiliumNetworkPolicy", "{ endpointSelector: {}, ingress: [{ toPorts: [{ ports: [{ port: \"80\" }], rules: { http: [{ method: GET }] } }] }] }", "spec.ingress[0].toPorts[0].rules")]
    [InlineData("projectcalico.org/v3", "NetworkPolicy", "{ tier: platform, selector: all() }", "spec.tier")]
    [InlineData("projectcalico.org/v3", "GlobalNetworkPolicy", "{ selector: \"app = 'x'\" }", "spec.selector")]
    public void A_refused_field_in_a_manifest_names_file_document_and_field(string api, string kind, string spec, string field)
    {
        string folder = Path.Combine(_dir, "bad");
        Directory.CreateDirectory(folder);
        foreach (string f in new[] { "00-namespaces.yaml", "workloads.yaml" }) File.Copy(Path.Combine(Manifests("calico-policies"), f), Path.Combine(folder, f));
        string ns = kind.StartsWith("Global", StringComparison.Ordinal) ? "" : ", namespace: shop";
        string file = Path.Combine(folder, "policy.yaml");
        File.WriteAllText(file, $"apiVersion: {api}\nkind: {kind}\nmetadata: {{ name: bad{ns} }}\nspec: {spec}\n");
        var (code, stdout, stderr) = BundledScenarioEndToEndTests.Netsim("policy-matrix", folder, "--cluster", Manifests("calico-cluster.yaml"));
        Assert.True(code == 2, $"exit {code}: {stderr}\n{stdout}");
        string line = stderr.Trim();
        Assert.DoesNotContain('\n', line);
        Assert.Contains("policy.yaml", line, StringComparison.Ordinal);
        Assert.Contains("document 0", line, StringComparison.Ordinal);
        Assert.Contains(field, line, StringComparison.Ordinal);
    }
}
