using NetSim.Reporting.Html;
using NetSim.Reporting.Records;

namespace NetSim.Reporting.Tests;

public sealed class HtmlReportTests
{
    private static ReportData Data()
    {
        var walk = new List<WalkRow>
        {
            new("flannel-vxlan", 1, "TCP <request>", 0, 1, "node1", "tcp", "tcp", "tcp_transmit_skb", 700, 0, 0, 0.7),
            new("flannel-vxlan", 1, "TCP <request>", 0, 2, "node1", "host/nat PreRouting", "nat", "DNAT 10.96.0.1:80→10.244.1.2:8080", 400, 100, 0, 1.2),
            new("flannel-vxlan", 1, "TCP <request>", 0, 3, "node1-switch", "node1/eth0 (NIC)", "wire", "wire", 0, 0, 529, 1.729),
        };
        var topology = new List<TopologyRow>
        {
            new("flannel-vxlan", "node1", "host", "eth0", "nic", "172.18.0.10/16", "", ""),
            new("flannel-vxlan", "node1", "host", "cni0", "bridge", "10.244.0.1/24", "", ""),
            new("flannel-vxlan", "node1", "host", "veth1", "veth", "", "cni0", "pod/client-0/eth0"),
            new("flannel-vxlan", "node1", "pod/client-0", "eth0", "veth", "10.244.0.2/24", "", "host/veth1"),
        };
        var table = new ReportTable("summary", "a & b", ["group", "p50_us"], [["rr <1>", "12.5"]]) { NumericColumns = new HashSet<int> { 1 } };
        return new ReportData("run", "overlay <over> flannel-vxlan", "netsim run x.yaml", [], [table], ["flannel-vxlan"], walk, topology,
            [new ReportChart("latency-cdf", "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"></svg>")]);
    }

    [Fact]
    public void The_page_is_self_contained_escaped_and_deterministic()
    {
        string html = HtmlReport.Render(Data());
        Assert.Equal(html, HtmlReport.Render(Data()));
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"http", html, StringComparison.Ordinal);
        Assert.Contains("overlay &lt;over&gt; flannel-vxlan", html, StringComparison.Ordinal);
        Assert.Contains("rr &lt;1&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">12.5</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_walk_draws_a_bar_per_hop_in_its_nodes_lane_as_long_as_the_hop_took()
    {
        string svg = WalkDiagram.Draw("flannel-vxlan", Data().Walk);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(svg, "class=\"hop\""));
        foreach (string lane in new[] { ">node1<", ">wire<" }) Assert.Contains(lane, svg, StringComparison.Ordinal);
        // The NAT hop took 0.4 µs of CPU and waited 0.1 µs: its bar ends at 1.2 µs and starts at 0.7 µs.
        Assert.Contains("DNAT 10.96.0.1:80→10.244.1.2:8080", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void The_topology_shows_each_node_its_pods_their_veths_and_the_fabric()
    {
        string svg = TopologyDiagram.Draw("flannel-vxlan", Data().Topology);
        foreach (string words in new[] { ">node1<", "client-0 10.244.0.2/24", "veth veth1", "cni0 bridge (1 port)", "eth0 nic", "fabric (switch)" })
            Assert.Contains(words, svg, StringComparison.Ordinal);
    }
}
