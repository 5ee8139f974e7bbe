namespace NetSim.Reporting.Html;

/// <summary>One colour per kind of element (tcp, netfilter, vxlan, wire, ...), the same in every diagram of a report.</summary>
public static class KindColours
{
    private static readonly Dictionary<string, string> Fixed = new(StringComparer.Ordinal)
    {
        ["socket"] = "#9467bd", ["tcp"] = "#1f77b4", ["udp"] = "#1f77b4", ["ip"] = "#17becf", ["netfilter"] = "#d62728",
        ["nat"] = "#e377c2", ["conntrack"] = "#ff7f0e", ["veth"] = "#2ca02c", ["bridge"] = "#bcbd22", ["vxlan"] = "#8c564b",
        ["geneve"] = "#8c564b", ["ipip"] = "#8c564b", ["wireguard"] = "#393b79", ["tunnel decap"] = "#a0522d", ["nic"] = "#637939",
        ["wire"] = "#7f7f7f", ["netif"] = "#aec7e8", ["waiting"] = "#dddddd", ["loopback"] = "#c7c7c7",
    };

    private static readonly string[] Others = ["#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5"];

    public static string Of(string kind)
    {
        if (Fixed.TryGetValue(kind, out string? c)) return c;
        int h = 0;
        foreach (char ch in kind) h = (h * 31 + ch) & 0x7fffffff;
        return Others[h % Others.Length];
    }
}
