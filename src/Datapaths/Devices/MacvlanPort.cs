using NetSim.Engine.Addressing;
using NetSim.Engine.Nics;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Devices;

/// <summary>
/// struct macvlan_port: the macvlan slaves of one lower device and its rx_handler (macvlan_handle_frame). A unicast
/// frame for a slave's MAC goes to that slave (another receive round on it, in its namespace); anything else passes
/// to the lower device's own stack. Each slave's MAC is added to the NIC's unicast filter (dev_uc_add), so the NIC
/// accepts frames for it. ARP (modelled without frames) follows the broadcast rules of macvlan_broadcast.
/// </summary>
public sealed class MacvlanPort : IRxHandler
{
    private readonly List<MacvlanDevice> _slaves = new();

    private MacvlanPort(PhysicalDevice lower) => Lower = lower;

    public PhysicalDevice Lower { get; }
    public IReadOnlyList<MacvlanDevice> Slaves => _slaves;

    /// <summary>
    /// True when the switch port the lower device is cabled to does reflective relay (VEPA "hairpin"): broadcasts
    /// and unicasts sent by a slave come back in through the lower device.
    /// </summary>
    public bool WireReflects { get; set; }

    /// <summary>macvlan_port_create: the lower device's port, created with its first slave.</summary>
    public static MacvlanPort Of(PhysicalDevice lower)
    {
        if (lower.RxHandler is MacvlanPort existing) return existing;
        if (lower.RxHandler is not null) throw new InvalidOperationException($"{lower.Name}: device or resource busy (another rx_handler)");
        var port = new MacvlanPort(lower);
        lower.RxHandler = port;
        return port;
    }

    internal void Add(MacvlanDevice slave)
    {
        if (slave.Mode == MacvlanMode.Passthru ? _slaves.Count > 0 : _slaves.Exists(s => s.Mode == MacvlanMode.Passthru))
            throw new InvalidOperationException($"{Lower.Name}: device or resource busy (passthru takes the whole lower device)");
        if (slave.Mode != MacvlanMode.Passthru && _slaves.Exists(s => s.Mac == slave.Mac))
            throw new InvalidOperationException($"{Lower.Name}: address {slave.Mac} already in use");
        _slaves.Add(slave);
        if (Lower.TransmitTo is Nic nic && slave.Mac != Lower.Mac) nic.AddUnicastAddress(slave.Mac);
    }

    internal void Remove(MacvlanDevice slave)
    {
        if (!_slaves.Remove(slave)) return;
        if (Lower.TransmitTo is Nic nic && slave.Mac != Lower.Mac) nic.RemoveUnicastAddress(slave.Mac);
    }

    /// <summary>macvlan_hash_lookup: the slave with <paramref name="mac"/>, or null.</summary>
    public MacvlanDevice? Lookup(MacAddress mac)
    {
        foreach (var s in _slaves)
            if (s.Mac == mac) return s;
        return null;
    }

    bool IRxHandler.HandleFrame(Packet p, long ps)
    {
        if (p.TopKind != HeaderKind.Ethernet) return false;
        MacAddress dst = p.Ethernet.Destination;
        if (dst.IsMulticast) return false;
        MacvlanDevice? slave = _slaves.Count == 1 && _slaves[0].Mode == MacvlanMode.Passthru ? _slaves[0] : Lookup(dst);
        if (slave is null) return false;
        slave.DeliverFromLower(p, ps);
        return true;
    }

    /// <summary>
    /// An ARP broadcast from outside (another host, or the lower device's own stack reflected by the switch) reaches
    /// every slave (macvlan_broadcast with all modes); the first whose namespace holds <paramref name="target"/> answers.
    /// </summary>
    public bool AnswerExternal(Ipv4Address target, MacAddress requester, out MacAddress mac)
    {
        foreach (var s in _slaves)
            if (s.AnswerArp(target, requester, out mac)) return true;
        mac = default;
        return false;
    }

    /// <summary>
    /// An ARP broadcast sent by <paramref name="from"/>: bridge mode hands it to bridge-mode siblings on the way out;
    /// then it goes to the wire (other hosts); reflected back by a hairpin port, macvlan_handle_frame gives it to VEPA
    /// and bridge siblings when the sender is VEPA, to VEPA siblings when it is bridge, to nobody when private, and
    /// to the lower device's own stack unless private.
    /// </summary>
    internal bool Resolve(MacvlanDevice from, Ipv4Address target, MacAddress requester, out MacAddress mac)
    {
        if (from.Mode == MacvlanMode.Passthru) return Lower.ResolveOnLinkAsLower(target, requester, out mac);
        if (from.Mode == MacvlanMode.Bridge && AnswerSiblings(from, MacvlanMode.Bridge, target, requester, out mac)) return true;
        if (Lower.ResolveOnLinkAsLower(target, requester, out mac)) return true;
        if (!WireReflects || from.Mode == MacvlanMode.Private) return false;
        if (from.Mode == MacvlanMode.Vepa && AnswerSiblings(from, MacvlanMode.Bridge, target, requester, out mac)) return true;
        if (AnswerSiblings(from, MacvlanMode.Vepa, target, requester, out mac)) return true;
        return Lower.AnswerArpAsHost(target, out mac);
    }

    /// <summary>The lower device's own ARP: siblings hear it only when the switch reflects it (the kernel never loops a lower device's transmit into its slaves).</summary>
    public bool ResolveFromLower(Ipv4Address target, MacAddress requester, out MacAddress mac)
    {
        mac = default;
        return WireReflects && AnswerExternal(target, requester, out mac);
    }

    private bool AnswerSiblings(MacvlanDevice from, MacvlanMode mode, Ipv4Address target, MacAddress requester, out MacAddress mac)
    {
        foreach (var s in _slaves)
            if (s != from && s.Mode == mode && s.AnswerArp(target, requester, out mac)) return true;
        mac = default;
        return false;
    }
}
