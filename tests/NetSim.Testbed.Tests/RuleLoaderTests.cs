using NetSim.Engine.Addressing;

namespace NetSim.Testbed.Tests;

/// <summary>The iptables-restore input: N Service rules in KUBE-SERVICES, walked by every new connection, and kube-proxy's fixed chains.</summary>
public class RuleLoaderTests
{
    private static readonly Ipv4Prefix Services = Ipv4Prefix.Parse("198.18.128.0/17");

    [Fact]
    public void N_services_give_N_rules_in_kube_services_before_the_nodeport_jump()
    {
        string rules = IptablesRuleLoader.Ruleset(3, Services, Ipv4Address.Parse("198.19.1.2"), 11111);
        var services = rules.Split('\n').Where(l => l.StartsWith("-A KUBE-SERVICES", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, services.Count);
        Assert.StartsWith("-A KUBE-SERVICES -d 198.18.128.1/32 -p tcp", services[0], StringComparison.Ordinal);
        Assert.StartsWith("-A KUBE-SERVICES -d 198.18.128.3/32", services[2], StringComparison.Ordinal);
        Assert.Contains("--dst-type LOCAL -j KUBE-NODEPORTS", services[3], StringComparison.Ordinal);
        Assert.Contains("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES", rules, StringComparison.Ordinal);
        Assert.Equal(2, rules.Split('\n').Count(l => l == "COMMIT"));
    }

    [Fact]
    public void Every_address_in_the_rules_is_in_the_benchmarking_range_or_loopback()
    {
        string rules = IptablesRuleLoader.Ruleset(1000, Services, Ipv4Address.Parse("198.19.1.2"), 11111);
        var bench = Ipv4Prefix.Parse("198.18.0.0/15");
        var loopback = Ipv4Prefix.Parse("127.0.0.0/8");
        foreach (string word in rules.Split([' ', '\n', ':']).Where(w => w.Count(c => c == '.') == 3))
        {
            string a = word.Split('/')[0];
            if (Ipv4Address.TryParse(a, out var ip)) Assert.True(bench.Contains(ip) || loopback.Contains(ip), word);
        }
    }

    [Fact]
    public void Zero_services_keep_the_fixed_chains_and_more_than_the_cidr_holds_is_refused()
    {
        string rules = IptablesRuleLoader.Ruleset(0, Services, Ipv4Address.Parse("198.19.1.2"), 11111);
        Assert.Single(rules.Split('\n'), l => l.StartsWith("-A KUBE-SERVICES", StringComparison.Ordinal));
        Assert.Throws<ArgumentOutOfRangeException>(() => IptablesRuleLoader.Ruleset(40_000, Ipv4Prefix.Parse("198.18.128.0/17"), Ipv4Address.Parse("198.19.1.2"), 1));
    }
}
