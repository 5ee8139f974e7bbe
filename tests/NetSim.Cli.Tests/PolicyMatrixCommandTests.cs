namespace NetSim.Cli.Tests;

/// <summary>
/// netsim policy-matrix end to end on the bundled 9-pod scenario: the measured table equals the expected file over
/// the policy-capable datapaths (exit 0), Flannel enforces nothing (a warning, and exit 1 against the expected table),
/// bad options and a bad expected file are refused (exit 2, one line).
/// </summary>
public sealed class PolicyMatrixCommandTests
{
    private static string Scenario => Path.Combine(Repo(), "scenarios", "netpol-9pod.yaml");
    private static string Expected => Path.Combine(Repo(), "scenarios", "netpol-9pod.expected.txt");

    private static (int Code, string Stdout, string Stderr) Netsim(params string[] args) => BundledScenarioEndToEndTests.Netsim(args);

    private static string Repo() => BundledScenarioEndToEndTests.Repo();

    [Theory]
    [InlineData("calico-bgp")]
    [InlineData("calico-ebpf")]
    [InlineData("cilium-ebpf")]
    [InlineData("cilium-legacy")]
    public void The_bundled_truth_table_comes_out_as_expected(string datapath)
    {
        var (code, stdout, stderr) = Netsim("policy-matrix", Scenario, "--datapath", datapath, "--expect", Expected);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
        Assert.Contains("Probe TCP/80:", stdout, StringComparison.Ordinal);
        Assert.Contains("from\\to x/a x/b x/c y/a y/b y/c z/a z/b z/c", stdout, StringComparison.Ordinal);
        Assert.Contains("as expected", stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// SCTP probes through the CLI: with x/a open only to SCTP/80 from everyone, TCP/80 to x/a is blocked from every
    /// pod and SCTP/80 allowed from every pod, and the printed SCTP table reads back as its own expected file.
    /// </summary>
    [Fact]
    public void Sctp_probes_show_an_sctp_port_rule_open_to_sctp_and_closed_to_tcp()
    {
        string scenario = Path.Combine(Path.GetTempPath(), $"netsim-sctp-{Guid.NewGuid():N}.yaml");
        string expected = Path.ChangeExtension(scenario, ".txt");
        try
        {
            string text = File.ReadAllText(Scenario);
            int policies = text.IndexOf("network_policies:", StringComparison.Ordinal);
            int traffic = text.IndexOf("traffic:", StringComparison.Ordinal);
            File.WriteAllText(scenario, text[..policies] + """
                network_policies:
                  - apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: { name: sctp-only, namespace: x }
                    spec:
                      podSelector: { matchLabels: { pod: a } }
                      ingress: [{ ports: [{ protocol: SCTP, port: 80 }] }]

                """ + text[traffic..]);
            var (code, stdout, stderr) = Netsim("policy-matrix", scenario, "--datapath", "calico-bgp", "--port", "80/TCP", "--port", "80/SCTP");
            Assert.True(code == 0, $"exit {code}: {stderr}\n{stdout}");
            int sctp = stdout.IndexOf("Probe SCTP/80:", StringComparison.Ordinal);
            Assert.True(sctp > 0, stdout);
            foreach (string from in new[] { "x/b", "y/a", "z/c" })
            {
                Assert.Matches($@"(?m)^\s*{from}\s+X", stdout[..sctp]); // TCP/80 to x/a: blocked
                Assert.Matches($@"(?m)^\s*{from}\s+\.", stdout[sctp..]); // SCTP/80 to x/a: allowed
            }
            File.WriteAllText(expected, stdout[sctp..]);
            var again = Netsim("policy-matrix", scenario, "--datapath", "cilium-ebpf", "--port", "80/SCTP", "--expect", expected);
            Assert.True(again.Code == 0, again.Stdout);
        }
        finally
        {
            File.Delete(scenario);
            File.Delete(expected);
        }
    }

    [Fact]
    public void Flannel_enforces_nothing_and_differs()
    {
        var (code, stdout, _) = Netsim("policy-matrix", Scenario, "--datapath", "flannel-vxlan", "--expect", Expected);
        Assert.Equal(1, code);
        Assert.Contains("warning: flannel-vxlan enforces no NetworkPolicy", stdout, StringComparison.Ordinal);
        Assert.Contains("differs: TCP/80 x/b -> x/a: expected X, got .", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_printed_table_reads_back_as_an_expected_file()
    {
        var (code, stdout, stderr) = Netsim("policy-matrix", Scenario, "--datapath", "cilium-ebpf", "--port", "81");
        Assert.True(code == 0, stderr);
        string file = Path.Combine(Path.GetTempPath(), $"netsim-matrix-{Guid.NewGuid():N}.txt");
        try
        {
            File.WriteAllText(file, stdout);
            var again = Netsim("policy-matrix", Scenario, "--datapath", "calico-bgp", "--port", "81/TCP", "--expect", file);
            Assert.True(again.Code == 0, again.Stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--port", "80/DCCP", "'DCCP' is not TCP, UDP or SCTP")]
    [InlineData("--port", "http", "is not PORT[/PROTOCOL]")]
    [InlineData("--datapath", "calico", "calico")]
    public void Bad_options_are_refused(string option, string value, string words)
    {
        var (code, _, stderr) = Netsim("policy-matrix", Scenario, option, value);
        CliHarness.AssertRefused(code, stderr, words);
    }

    [Fact]
    public void A_malformed_expected_table_names_its_line()
    {
        string file = Path.Combine(Path.GetTempPath(), $"netsim-matrix-{Guid.NewGuid():N}.txt");
        try
        {
            File.WriteAllText(file, "from\\to x/a x/b\n    x/a   -   .\n    x/b   ?   -\n");
            var (code, _, stderr) = Netsim("policy-matrix", Scenario, "--expect", file);
            CliHarness.AssertRefused(code, stderr, ":3: table[x/b][x/a]: '?' is not");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
