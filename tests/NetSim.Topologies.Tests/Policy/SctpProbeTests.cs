using NetSim.Topologies.Policy;

namespace NetSim.Topologies.Tests.Policy;

/// <summary>
/// NetworkPolicy ports with protocol SCTP (networking/v1 §4.1), measured by policy-matrix with real SCTP probes (an INIT
/// that the listening pod answers with an INIT ACK) next to TCP probes on the same port, over calico-bgp (iptables
/// -p sctp), calico-ebpf and cilium-ebpf (policy maps keyed by protocol 132): a rule for one protocol opens only that
/// protocol, in both directions of difference and on both the ingress and the egress side. With egress denied on the
/// isolated pod, an allowed INIT's INIT ACK still leaves it: conntrack tracks the association by its ports.
/// </summary>
public sealed class SctpProbeTests
{
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string d in NinePod.PolicyDatapaths)
            foreach (string allowed in new[] { "SCTP", "TCP" })
                foreach (string side in new[] { "ingress", "egress" }) data.Add(d, allowed, side);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_rule_for_one_protocol_opens_only_that_protocol(string datapath, string allowed, string side)
    {
        // Ingress: x/a takes only ALLOWED/80 and may send nothing of its own (replies only). Egress: x/a may open only ALLOWED/80.
        string spec = side == "ingress"
            ? """{"podSelector": {"matchLabels": {"pod": "a"}}, "policyTypes": ["Ingress", "Egress"], "ingress": [{"ports": [{"protocol": "PROTOCOL", "port": 80}]}], "egress": []}""".Replace("PROTOCOL", allowed, StringComparison.Ordinal)
            : """{"podSelector": {"matchLabels": {"pod": "a"}}, "policyTypes": ["Egress"], "egress": [{"ports": [{"protocol": "PROTOCOL", "port": 80}]}]}""".Replace("PROTOCOL", allowed, StringComparison.Ordinal);
        var scenario = NinePod.Load(datapath, NinePod.Policy("x", "only-" + allowed.ToLowerInvariant(), spec));
        var result = PolicyMatrix.Run(scenario, Build.ClusterSimulationTests.Profile(), [new PolicyProbe(80, "SCTP"), new PolicyProbe(80, "TCP")]);
        foreach (var (probe, table) in result.Tables)
        {
            bool open = probe.Protocol == allowed;
            var expected = side == "ingress" ? Expect(rowBlocked: true, columnBlocked: !open) : Expect(rowBlocked: !open, columnBlocked: false);
            NinePod.AssertSame(expected, table, $"{datapath} {probe} with only {allowed}/80 on {side}");
        }
    }

    [Fact]
    public void Sctp_is_a_probe_protocol()
    {
        Assert.True(PolicyProbe.TryParse("80/sctp", out var probe, out _));
        Assert.Equal(new PolicyProbe(80, "SCTP"), probe);
        Assert.Equal("SCTP/80", probe.ToString());
        Assert.False(PolicyProbe.TryParse("80/DCCP", out _, out string error));
        Assert.Contains("not TCP, UDP or SCTP", error, StringComparison.Ordinal);
    }

    /// <summary>All allowed but x/a's row (what x/a opens) and/or x/a's column (what reaches x/a).</summary>
    private static ReachabilityTable Expect(bool rowBlocked, bool columnBlocked)
    {
        string[] pods = ["x/a", "x/b", "x/c", "y/a", "y/b", "y/c", "z/a", "z/b", "z/c"];
        var rows = new List<string>();
        for (int r = 0; r < pods.Length; r++)
        {
            var cells = new List<string> { pods[r] };
            for (int c = 0; c < pods.Length; c++)
                cells.Add(r == c ? "-" : (r == 0 && rowBlocked) || (c == 0 && columnBlocked) ? "X" : ".");
            rows.Add(string.Join(' ', cells));
        }
        return NinePod.Table(string.Join('\n', rows));
    }
}
