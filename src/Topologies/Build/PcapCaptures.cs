using System.Text.RegularExpressions;
using NetSim.Datapaths.Namespaces;
using NetSim.Engine.Pcap;

namespace NetSim.Topologies.Build;

/// <summary>
/// tcpdump on the interfaces a run asks for: every device whose "node/namespace/device" name matches the glob
/// (e.g. "node1/host/eth0", "*/flannel.1", "node2/pod/server-0/eth0"; * matches anything) gets a pcap file in the
/// capture directory, closed when the run ends. An SR-IOV NIC's physical port is "node/eswitch/NIC" (node1/eswitch/eth0),
/// captured as a port mirror would: frames on the wire with the VLAN tags the NIC put on its VFs' frames.
/// </summary>
public sealed class PcapCaptures : IDisposable
{
    private readonly List<PcapWriter> _writers = new();

    public PcapCaptures(BuiltCluster cluster, string pattern, string directory, long limitBytes = long.MaxValue)
    {
        var glob = new Regex("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant);
        Directory.CreateDirectory(directory);
        foreach (var node in cluster.Nodes.Concat(cluster.Externals))
            foreach (var ns in Namespaces(node))
                foreach (var dev in ns.Devices)
                {
                    if (dev is null) continue;
                    string name = $"{node.Name}/{ns.Name}/{dev.Name}";
                    if (!glob.IsMatch(name)) continue;
                    var writer = new PcapWriter(Path.Combine(directory, name.Replace('/', '_') + ".pcap"), new PcapOptions { MaxFileBytes = limitBytes });
                    if (dev.Tap is Ipam.DhcpLease lease) lease.Then = writer; // the dhcp daemon's packet socket stays; the capture sees what it sees
                    else dev.Tap = writer;
                    _writers.Add(writer);
                    Files.Add(name);
                }
        // An SR-IOV NIC's physical port, as a port mirror sees it ("node/eswitch/NIC"): frames with their VF VLAN tags.
        foreach (var node in cluster.Nodes)
            foreach (var (nic, eswitch) in Eswitches(node))
            {
                string name = $"{node.Name}/eswitch/{nic}";
                if (!glob.IsMatch(name)) continue;
                var writer = new PcapWriter(Path.Combine(directory, name.Replace('/', '_') + ".pcap"), new PcapOptions { MaxFileBytes = limitBytes });
                eswitch.UplinkTap = writer;
                _writers.Add(writer);
                Files.Add(name);
            }
        // A pattern that captures nothing is a mistake found before the run, not an empty pcap/ folder after it.
        if (_writers.Count == 0)
            throw new Engine.Diagnostics.InputException("--pcap", 0, "", $"'{pattern}' matches no interface; names are node/namespace/device, e.g. node1/host/eth0, */flannel.1");
    }

    /// <summary>The interfaces captured, as "node/namespace/device".</summary>
    public List<string> Files { get; } = new();

    /// <summary>The interfaces whose file reached the size limit (its later packets were counted, not written).</summary>
    public IReadOnlyList<string> Capped => Files.Where((_, i) => _writers[i].Capped).ToList();

    private static IEnumerable<(string Nic, Engine.Nics.EmbeddedSwitch Eswitch)> Eswitches(BuiltNode node)
    {
        if (node.Eswitch is { } primary) yield return ("eth0", primary);
        foreach (var n in node.SecondaryNics)
            if (n.Eswitch is { } e) yield return (n.Spec.Name, e);
    }

    private static IEnumerable<NetworkNamespace> Namespaces(BuiltNode node) =>
        new[] { node.Host }.Concat(node.Pods.Select(p => p.Namespace)).Distinct();

    public void Dispose()
    {
        foreach (var w in _writers) w.Dispose();
    }
}
