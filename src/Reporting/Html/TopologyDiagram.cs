using NetSim.Reporting.Records;

namespace NetSim.Reporting.Html;

/// <summary>
/// The cluster as built: a box per node with its pods (name and address) on top, each pod's veth pair down to the
/// host, the host's bridges and tunnel devices, eth0 at the bottom, and the fabric joining every eth0. Large
/// clusters show their first nodes and pods and say how many more there are.
/// </summary>
public static class TopologyDiagram
{
    private const int MaxNodes = 6, MaxPods = 4;
    private const double NodeWidth = 230, Gap = 20, Top = 34;

    public static string Draw(string datapath, IReadOnlyList<TopologyRow> devices)
    {
        var nodes = devices.Select(d => d.Node).Distinct(StringComparer.Ordinal).ToList();
        var shown = nodes.Take(MaxNodes).ToList();
        double width = Math.Max(420, shown.Count * (NodeWidth + Gap) + Gap);
        var bodies = shown.Select(n => devices.Where(d => d.Node == n).ToList()).ToList();
        double nodeHeight = bodies.Select(Height).DefaultIfEmpty(100).Max();
        double fabricY = Top + nodeHeight + 30;
        var svg = new Svg("topology", width, fabricY + 50, $"cluster topology over {datapath}");
        svg.Text(Gap, 20, $"{datapath}: {nodes.Count} nodes{(nodes.Count > shown.Count ? $" (first {shown.Count} shown)" : "")}", 13, weight: "bold");
        for (int i = 0; i < shown.Count; i++)
        {
            double x = Gap + i * (NodeWidth + Gap);
            double eth0X = DrawNode(svg, x, shown[i], bodies[i], nodeHeight);
            svg.Line(eth0X, Top + nodeHeight, eth0X, fabricY, "#555", 2);
        }
        svg.Rect(Gap, fabricY, width - 2 * Gap, 22, "#ddeeff", "the fabric: the switch (or racks and spines) every node's eth0 is cabled to", "#6a8caf", 4);
        svg.Text(width / 2, fabricY + 15, "fabric (switch)", 12, "middle");
        return svg.ToString();
    }

    private static double Height(List<TopologyRow> node)
    {
        int pods = Math.Min(MaxPods, Pods(node).Count);
        int host = HostDevices(node).Count;
        return 30 + pods * 44 + (Pods(node).Count > MaxPods ? 16 : 0) + 20 + host * 22 + 10;
    }

    private static List<string> Pods(List<TopologyRow> node) =>
        node.Where(d => d.Namespace != "host" && d.Kind != "loopback").Select(d => d.Namespace).Distinct(StringComparer.Ordinal).ToList();

    private static List<TopologyRow> HostDevices(List<TopologyRow> node) =>
        node.Where(d => d.Namespace == "host" && d.Kind is not ("loopback" or "veth")).OrderBy(d => d.Kind == "nic" ? 1 : 0).ThenBy(d => d.Device, StringComparer.Ordinal).ToList();

    /// <summary>Draws one node; returns the x of its eth0 (where the cable to the fabric leaves).</summary>
    private static double DrawNode(Svg svg, double x, string name, List<TopologyRow> node, double height)
    {
        svg.Rect(x, Top, NodeWidth, height, "#fbfbf4", $"node {name}", "#888", 6);
        svg.Text(x + 8, Top + 18, name, 13, weight: "bold");
        double y = Top + 28;
        var pods = Pods(node);
        foreach (string pod in pods.Take(MaxPods))
        {
            var eth0 = node.FirstOrDefault(d => d.Namespace == pod && d.Device == "eth0");
            string label = pod.StartsWith("pod/", StringComparison.Ordinal) ? pod[4..] : pod;
            svg.Rect(x + 8, y, NodeWidth - 16, 24, "#e8f4e8", $"pod {label}: eth0 {eth0?.Address}", "#5a9a5a", 4);
            svg.Text(x + 14, y + 16, $"{label} {eth0?.Address ?? ""}", 11);
            if (eth0 is not null && eth0.Peer.Length > 0)
            {
                svg.Line(x + NodeWidth / 2, y + 24, x + NodeWidth / 2, y + 40, KindColours.Of("veth"), 2);
                svg.Text(x + NodeWidth / 2 + 4, y + 36, $"veth {eth0.Peer.Split('/')[^1]}", 9, fill: "#2a6a2a");
            }
            y += 44;
        }
        if (pods.Count > MaxPods)
        {
            svg.Text(x + 10, y + 4, $"… and {pods.Count - MaxPods} more pods", 10, fill: "#666");
            y += 16;
        }
        y += 16;
        double eth0X = x + NodeWidth / 2;
        foreach (var d in HostDevices(node))
        {
            int n = node.Count(p => p.Master == d.Device);
            string ports = d.Kind == "bridge" ? $" ({n} port{(n == 1 ? "" : "s")})" : "";
            string master = d.Master.Length > 0 ? $" on {d.Master}" : "";
            svg.Rect(x + 8, y, NodeWidth - 16, 18, KindColours.Of(d.Kind), $"{d.Device}: {d.Kind}{ports}{master} {d.Address}", "none", 3);
            svg.Text(x + 14, y + 13, $"{d.Device} {d.Kind}{ports} {d.Address}", 9.5, fill: "#fff");
            y += 22;
        }
        return eth0X;
    }
}
