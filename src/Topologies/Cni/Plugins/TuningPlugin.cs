using System.Globalization;
using System.Text.Json.Nodes;
using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The tuning meta-plugin (containernetworking/plugins meta/tuning): after the main plugin, writes the configured
/// "sysctl" keys into the pod's netns ("IFNAME" in a key is CNI_IFNAME; only /proc/sys/net/* may be written) and sets
/// the CNI_IFNAME interface's "mac" (or runtimeConfig.mac), "mtu", "promisc", "allmulti" and "txQLen", saving the
/// values it replaced so DEL can put them back. The result passes through, with the interface's new MAC.
/// The sysctls NetSim models: net.core.somaxconn (the cap on listen()'s backlog), net.ipv4.ip_forward,
/// net.ipv4.icmp_echo_ignore_all and net.ipv4.conf.DEV.proxy_arp; any other key is refused as not modelled.
/// promisc, allmulti and txQLen are kept on the link and checked by CHECK but change no modelled traffic, as on Linux:
/// ip_rcv drops a frame for another MAC whatever promisc says (only packet sockets see it), NetSim has no multicast,
/// and the pod's veth, macvlan and ipvlan links are noqueue devices, for which txqueuelen sizes no queue.
/// </summary>
public sealed class TuningPlugin : ICniPlugin
{
    private readonly CniNode _node;
    /// <summary>Per attachment (netns, ifname): the link attributes before tuning changed them (tuning's dataDir backup).</summary>
    private readonly Dictionary<(string NetNs, string IfName), LinkAttributes> _saved = new();
    /// <summary>Per attachment: the attributes tuning set that the datapath does not carry (promisc, allmulti, txQLen).</summary>
    private readonly Dictionary<(string NetNs, string IfName), LinkAttributes> _flags = new();

    public TuningPlugin(CniNode node) => _node = node;

    public string Type => "tuning";

    public CniResult Add(CniRequest request)
    {
        var prev = request.PrevResult ?? throw new CniException(CniException.InvalidNetworkConfig, "must be called as chained plugin");
        var netns = _node.Netns(request.Args.NetNs);
        foreach (var (key, value) in Sysctls(request)) WriteSysctl(netns, request.Args.IfName, key, value);
        var wanted = Wanted(request);
        if (!wanted.Any) return prev;
        var dev = PodInterface.Find(netns, request.Args.IfName)
            ?? throw new CniException(CniException.Internal, $"failed to get {request.Args.IfName}: Link not found");
        var key2 = (request.Args.NetNs, request.Args.IfName);
        _saved[key2] = new LinkAttributes(dev.Mac.ToString(), dev.Mtu, false, false, 0);
        var result = prev.Clone();
        if (wanted.Mac is { } mac)
        {
            if (dev is StackedDevice)
                throw new CniException(CniException.UnsupportedField, $"tuning: changing the MAC of {dev.Name} (a macvlan or ipvlan link) is not modelled");
            dev.Mac = LowerDevice.ParseMac(mac, $"failed to parse MAC address {mac}: invalid MAC address");
            for (int i = 0; i < result.Interfaces.Count; i++)
                if (result.Interfaces[i].Name == dev.Name && result.Interfaces[i].Sandbox.Length > 0)
                    result.Interfaces[i] = result.Interfaces[i] with { Mac = dev.Mac.ToString() };
        }
        if (wanted.Mtu is { } mtu) SetMtu(dev, mtu);
        _flags[key2] = new LinkAttributes("", 0, wanted.Promisc ?? false, wanted.Allmulti ?? false, wanted.TxQLen ?? 0);
        return result;
    }

    /// <summary>DEL puts the saved MAC and MTU back if the link is still there (restoreBackup); sysctls go with the netns.</summary>
    public void Del(CniRequest request)
    {
        var key = (request.Args.NetNs, request.Args.IfName);
        _flags.Remove(key);
        if (!_saved.Remove(key, out var saved)) return;
        if (_node.TryNetns(request.Args.NetNs) is not { } netns || PodInterface.Find(netns, request.Args.IfName) is not { } dev) return;
        if (dev is not StackedDevice) dev.Mac = LowerDevice.ParseMac(saved.Mac, "backup MAC");
        dev.Mtu = saved.Mtu;
    }

    /// <summary>CHECK: every sysctl and attribute still has the configured value.</summary>
    public void Check(CniRequest request)
    {
        var netns = _node.Netns(request.Args.NetNs);
        foreach (var (key, value) in Sysctls(request))
        {
            string current = ReadSysctl(netns, request.Args.IfName, key);
            if (Normalise(current) != Normalise(value))
                throw new CniException(CniException.Internal, $"Error: Tuning configured value of {key} is {value}, current value is {current}");
        }
        var wanted = Wanted(request);
        if (!wanted.Any) return;
        var dev = PodInterface.Find(netns, request.Args.IfName)
            ?? throw new CniException(CniException.Internal, $"failed to get {request.Args.IfName}: Link not found");
        var flags = _flags.GetValueOrDefault((request.Args.NetNs, request.Args.IfName));
        if (wanted.Mac is { } mac && !string.Equals(dev.Mac.ToString(), mac, StringComparison.OrdinalIgnoreCase))
            throw new CniException(CniException.Internal, $"Error: Tuning configured Ethernet of {request.Args.IfName} is {mac}, current value is {dev.Mac}");
        if (wanted.Mtu is { } mtu && dev.Mtu != mtu)
            throw new CniException(CniException.Internal, $"Error: Tuning configured MTU of {request.Args.IfName} is {mtu}, current value is {dev.Mtu}");
        if (wanted.Promisc is { } promisc && flags?.Promisc != promisc)
            throw new CniException(CniException.Internal, $"Error: Tuning configured promiscuous mode of {request.Args.IfName} is {promisc}, current value is {flags?.Promisc ?? false}");
        if (wanted.Allmulti is { } allmulti && flags?.Allmulti != allmulti)
            throw new CniException(CniException.Internal, $"Error: Tuning configured all-multicast mode of {request.Args.IfName} is {allmulti}, current value is {flags?.Allmulti ?? false}");
    }

    private static void SetMtu(NetDevice dev, int mtu)
    {
        // dev_validate_mtu: 68 (ETH_MIN_MTU) up to the link's max; a macvlan or ipvlan link cannot exceed its lower device.
        int max = dev is StackedDevice s ? s.Lower.Mtu : 65535;
        if (mtu < 68 || mtu > max)
            throw new CniException(CniException.Internal, $"failed to set MTU to {mtu} on {dev.Name}: invalid argument");
        dev.Mtu = mtu;
    }

    /// <summary>The "sysctl" map, with IFNAME in each key replaced by CNI_IFNAME's value later.</summary>
    private static List<(string Key, string Value)> Sysctls(CniRequest request)
    {
        var list = new List<(string, string)>();
        if (request.Config["sysctl"] is not { } node) return list;
        if (node is not JsonObject map) throw ConfigTypes.Mismatch("sysctl", node, "object of strings");
        foreach (var (key, v) in map)
        {
            if (v is not JsonValue value || !value.TryGetValue(out string? text)) throw ConfigTypes.Mismatch($"sysctl.{key}", v, "string");
            list.Add((key, text));
        }
        return list;
    }

    /// <summary>One sysctl written into the pod's netns (/proc/sys/KEY with dots as slashes).</summary>
    private static void WriteSysctl(NetworkNamespace netns, string ifName, string key, string value)
    {
        var target = Resolve(netns, ifName, key);
        if (!int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) || n < 0 || (target.Kind != SysctlKind.Somaxconn && n > 1))
            throw new CniException(CniException.Internal, $"failed to set sysctl {key} to {value}: invalid argument");
        switch (target.Kind)
        {
            case SysctlKind.Somaxconn: netns.Somaxconn = n; break;
            case SysctlKind.IpForward: netns.IpForwarding = n == 1; break;
            case SysctlKind.IcmpEchoIgnoreAll: netns.IcmpEchoIgnoreAll = n == 1; break;
            default: target.Device!.ProxyArp = n == 1; break;
        }
    }

    private static string ReadSysctl(NetworkNamespace netns, string ifName, string key)
    {
        var target = Resolve(netns, ifName, key);
        return target.Kind switch
        {
            SysctlKind.Somaxconn => netns.Somaxconn.ToString(CultureInfo.InvariantCulture),
            SysctlKind.IpForward => netns.IpForwarding ? "1" : "0",
            SysctlKind.IcmpEchoIgnoreAll => netns.IcmpEchoIgnoreAll ? "1" : "0",
            _ => target.Device!.ProxyArp ? "1" : "0",
        };
    }

    private static string Normalise(string value) => value.Trim();

    private enum SysctlKind { Somaxconn, IpForward, IcmpEchoIgnoreAll, ProxyArp }

    /// <summary>The sysctl a key names: only /proc/sys/net/*, and of those only the ones NetSim models.</summary>
    private static (SysctlKind Kind, NetDevice? Device) Resolve(NetworkNamespace netns, string ifName, string key)
    {
        string name = key.Replace("IFNAME", ifName, StringComparison.Ordinal);
        string path = "/proc/sys/" + name.Replace('.', '/');
        if (!path.StartsWith("/proc/sys/net/", StringComparison.Ordinal) || path.Contains("/../", StringComparison.Ordinal))
            throw new CniException(CniException.Internal, $"invalid net sysctl key: \"{key}\"");
        switch (name)
        {
            case "net.core.somaxconn": return (SysctlKind.Somaxconn, null);
            case "net.ipv4.ip_forward": return (SysctlKind.IpForward, null);
            case "net.ipv4.icmp_echo_ignore_all": return (SysctlKind.IcmpEchoIgnoreAll, null);
        }
        const string Conf = "net.ipv4.conf.", ProxyArp = ".proxy_arp";
        if (name.StartsWith(Conf, StringComparison.Ordinal) && name.EndsWith(ProxyArp, StringComparison.Ordinal))
        {
            string dev = name[Conf.Length..^ProxyArp.Length];
            if (dev is not ("all" or "default"))
                return (SysctlKind.ProxyArp, PodInterface.Find(netns, dev)
                    ?? throw new CniException(CniException.Internal, $"failed to set sysctl {key}: open {path}: no such file or directory"));
        }
        throw new CniException(CniException.UnsupportedField,
            $"tuning: sysctl {key} is not modelled by NetSim (modelled: net.core.somaxconn, net.ipv4.ip_forward, net.ipv4.icmp_echo_ignore_all, net.ipv4.conf.DEV.proxy_arp)");
    }

    /// <summary>The interface attributes the configuration asks for (runtimeConfig.mac wins over "mac").</summary>
    private static Wish Wanted(CniRequest request)
    {
        string? mac = request.Config["runtimeConfig"] is JsonObject rc && rc["mac"] is JsonValue v && v.TryGetValue(out string? m) ? m : null;
        mac ??= request.Config["mac"] is null ? null : request.GetString("mac", "");
        int? mtu = request.Config["mtu"] is null ? null : request.GetInt("mtu", 0);
        bool? promisc = request.Config["promisc"] is null ? null : request.GetBool("promisc", false);
        bool? allmulti = request.Config["allmulti"] is null ? null : request.GetBool("allmulti", false);
        int? txQLen = request.Config["txQLen"] is null ? null : request.GetInt("txQLen", 0);
        if (txQLen < 0) throw new CniException(CniException.InvalidNetworkConfig, $"txQLen value is invalid: {txQLen}");
        return new Wish(mac is { Length: > 0 } ? mac : null, mtu is > 0 ? mtu : null, promisc, allmulti, txQLen);
    }

    private sealed record Wish(string? Mac, int? Mtu, bool? Promisc, bool? Allmulti, int? TxQLen)
    {
        public bool Any => Mac is not null || Mtu is not null || Promisc is not null || Allmulti is not null || TxQLen is not null;
    }

    private sealed record LinkAttributes(string Mac, int Mtu, bool Promisc, bool Allmulti, int TxQLen);
}
