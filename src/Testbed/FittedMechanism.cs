using System.Globalization;

namespace NetSim.Testbed;

/// <summary>
/// One mechanism the local fit pins, with the profile number(s) it moves and the one measured row that pins it: the
/// system call (host TCP_RR), the user-kernel copy per byte (host single stream), the bridge (bridge TCP_RR), VXLAN
/// encapsulation and decapsulation moved together (VXLAN TCP_RR), the per-connection work of TCP and conntrack moved
/// together (connect() with no Service rules), each iptables backend's cost per rule tested (one rule count each) and
/// the extra of a rule past the L2 (the longest legacy walk). Every other row is a prediction of the mechanisms.
/// </summary>
public sealed record FittedMechanism(string Mechanism, string FitKey, string RowId)
{
    /// <summary>The Service count whose rows pin each backend's per-rule cost (quick: the only non-zero count it measures).</summary>
    public static int RuleFitCount(bool quick) => quick ? 1000 : 3000;

    /// <summary>The mechanisms whose pinning row is among <paramref name="planned"/> (row ids), in fit order.</summary>
    public static IReadOnlyList<FittedMechanism> For(bool quick, IReadOnlyCollection<string> planned)
    {
        var all = new List<FittedMechanism>
        {
            new("system call", "socket.syscall", "tb.host.rr.mtu1500"),
            new("user-kernel copy per byte", "socket.copy:per_byte_ns", "tb.host.stream1.mtu1500"),
            new("bridge forwarding", "bridge.forward", "tb.bridge.rr.mtu1500"),
            new("VXLAN encapsulation and decapsulation", "vxlan.encap+vxlan.decap", "tb.vxlan.rr.mtu1500"),
        };
        string? first = IptablesBackend.All.Select(b => b.Name).FirstOrDefault(b => planned.Contains(RulesRow(b, 0)));
        if (first is not null) all.Add(new("connection setup (TCP and conntrack)", "tcp.connect+conntrack.insert", RulesRow(first, 0)));
        all.Add(new("iptables-legacy rule (x_tables)", "netfilter.rule", RulesRow("legacy", RuleFitCount(quick))));
        all.Add(new("iptables-nft rule (nf_tables)", "nftables.rule", RulesRow("nft", RuleFitCount(quick))));
        if (!quick)
        {
            string l2 = planned.Contains(RulesRow("legacy", 10000)) ? "legacy" : "nft";
            all.Add(new("rule tested past the L2", "netfilter.rule_l2_miss", RulesRow(l2, 10000)));
        }
        return all.Where(m => planned.Contains(m.RowId)).ToList();
    }

    /// <summary>The fit keys of <paramref name="mechanisms"/>, as calibrate's --fit takes them.</summary>
    public static string FitKeys(IEnumerable<FittedMechanism> mechanisms) => string.Join(",", mechanisms.Select(m => m.FitKey));

    public static string RulesRow(string backend, int services) => string.Create(CultureInfo.InvariantCulture, $"tb.rules.{backend}.{services}");
}
