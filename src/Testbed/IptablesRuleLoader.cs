using System.Globalization;
using System.Text;
using NetSim.Engine.Addressing;

namespace NetSim.Testbed;

/// <summary>
/// Puts N rules in the chain a new connection's SYN walks, the way kube-proxy's iptables mode does with N Services:
/// nat PREROUTING and OUTPUT jump to KUBE-SERVICES, which holds one "-d ClusterIP/32 -p tcp --dport 80" rule per
/// Service (none matches the testbed's pod-to-pod traffic, so the SYN tests every one of them) and ends with the
/// NodePort jump; plus kube-proxy's fixed chains (KUBE-POSTROUTING, KUBE-MARK-MASQ, and in filter KUBE-FORWARD,
/// KUBE-FIREWALL and the jumps to them), in the order kube-proxy leaves them. The generated scenario runs NetSim's
/// kube-proxy iptables mode with N Services, which programs the same walk. Only the first packet of a connection
/// walks the nat table (later ones follow conntrack), so the rules cost connection setup, not the stream.
/// </summary>
public sealed class IptablesRuleLoader
{
    /// <summary>kube-proxy's masquerade mark (--iptables-masquerade-bit 14).</summary>
    private const string MasqMark = "0x4000/0x4000";
    private readonly ProcessRunner _runner;

    public IptablesRuleLoader(ProcessRunner runner) => _runner = runner;

    /// <summary>The iptables-restore input for <paramref name="services"/> Service rules whose ClusterIPs come from <paramref name="serviceCidr"/>.</summary>
    public static string Ruleset(int services, Ipv4Prefix serviceCidr, Ipv4Address backend, int backendPort)
    {
        if (services < 0 || (ulong)services + 2 > serviceCidr.Size) throw new ArgumentOutOfRangeException(nameof(services), services, $"{serviceCidr} cannot hold that many ClusterIPs");
        var sb = new StringBuilder();
        sb.Append("*nat\n");
        foreach (string c in new[] { "PREROUTING", "INPUT", "OUTPUT", "POSTROUTING" }) sb.Append(':').Append(c).Append(" ACCEPT [0:0]\n");
        foreach (string c in new[] { "KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ", "KUBE-SVC-TESTBED" }) sb.Append(':').Append(c).Append(" - [0:0]\n");
        sb.Append("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        sb.Append("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        sb.Append("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n");
        sb.Append("-A KUBE-MARK-MASQ -j MARK --set-xmark ").Append(MasqMark).Append('\n');
        sb.Append("-A KUBE-POSTROUTING -m mark ! --mark ").Append(MasqMark).Append(" -j RETURN\n");
        sb.Append("-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0\n");
        sb.Append("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully\n");
        for (int i = 0; i < services; i++)
            sb.Append("-A KUBE-SERVICES -d ").Append(serviceCidr.Address((ulong)(i + 1))).Append("/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-TESTBED\n");
        sb.Append("-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n");
        sb.Append("-A KUBE-SVC-TESTBED -p tcp -j DNAT --to-destination ").Append(backend).Append(':').Append(backendPort.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("COMMIT\n");
        sb.Append("*filter\n");
        foreach (string c in new[] { "INPUT", "FORWARD", "OUTPUT" }) sb.Append(':').Append(c).Append(" ACCEPT [0:0]\n");
        foreach (string c in new[] { "KUBE-FIREWALL", "KUBE-PROXY-FIREWALL", "KUBE-NODEPORTS", "KUBE-EXTERNAL-SERVICES", "KUBE-SERVICES", "KUBE-FORWARD" })
            sb.Append(':').Append(c).Append(" - [0:0]\n");
        // kube-proxy prepends its jumps (-I), so the last one it adds comes first.
        sb.Append("-A INPUT -j KUBE-FIREWALL\n");
        sb.Append("-A INPUT -m conntrack --ctstate NEW -j KUBE-PROXY-FIREWALL\n");
        sb.Append("-A INPUT -j KUBE-NODEPORTS\n");
        sb.Append("-A INPUT -m conntrack --ctstate NEW -j KUBE-EXTERNAL-SERVICES\n");
        sb.Append("-A FORWARD -m conntrack --ctstate NEW -j KUBE-PROXY-FIREWALL\n");
        sb.Append("-A FORWARD -j KUBE-FORWARD\n");
        sb.Append("-A FORWARD -m conntrack --ctstate NEW -j KUBE-SERVICES\n");
        sb.Append("-A FORWARD -m conntrack --ctstate NEW -j KUBE-EXTERNAL-SERVICES\n");
        sb.Append("-A OUTPUT -j KUBE-FIREWALL\n");
        sb.Append("-A OUTPUT -m conntrack --ctstate NEW -j KUBE-PROXY-FIREWALL\n");
        sb.Append("-A OUTPUT -m conntrack --ctstate NEW -j KUBE-SERVICES\n");
        sb.Append("-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\n");
        sb.Append("-A KUBE-FORWARD -m mark --mark ").Append(MasqMark).Append(" -m comment --comment \"kubernetes forwarding rules\" -j ACCEPT\n");
        sb.Append("-A KUBE-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment \"kubernetes forwarding conntrack rule\" -j ACCEPT\n");
        sb.Append("-A KUBE-FIREWALL -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -m comment --comment \"block incoming localnet connections\" -j DROP\n");
        sb.Append("COMMIT\n");
        return sb.ToString();
    }

    /// <summary>Loads <paramref name="ruleset"/> into namespace <paramref name="ns"/> with the backend's iptables-restore.</summary>
    public void Load(string ns, IptablesBackend backend, string ruleset)
    {
        var r = _runner.Run("ip", ["netns", "exec", ns, backend.RestoreCommand], TimeSpan.FromSeconds(120), ruleset);
        if (!r.Succeeded) throw new TestbedException($"{backend.RestoreCommand} in {ns}: {r.FirstErrorLine}");
    }

    /// <summary>Rules in a namespace's tables as the backend lists them (iptables-save | grep -c '^-A'), to check a load.</summary>
    public int Count(string ns, IptablesBackend backend)
    {
        string save = backend.RestoreCommand.Replace("-restore", "-save", StringComparison.Ordinal);
        var r = _runner.Run("ip", ["netns", "exec", ns, save], TimeSpan.FromSeconds(60));
        if (!r.Succeeded) throw new TestbedException($"{save} in {ns}: {r.FirstErrorLine}");
        return r.Stdout.Split('\n').Count(l => l.StartsWith("-A ", StringComparison.Ordinal));
    }
}
