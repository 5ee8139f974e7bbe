using NetSim.Datapaths.Common;
using NetSim.Engine.Addressing;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// One iptables rule: the built-in matches (-s/-d with "!", -p, --sport/--dport with ranges, -i/-o with "+"
/// wildcards), match extensions, and a target (none: the rule only counts). Matching allocates nothing; the
/// rule's packet and byte counters are those of <c>iptables -L -v</c>.
/// </summary>
public sealed class IptRule
{
    private readonly NfMatch[] _matches = [];
    // -i/-o live beside the rule, only on rules that have them (see IptInterfaceMatch).
    private IptInterfaceMatch? _interfaces;

    public Ipv4Prefix? Source { get; init; }
    public bool SourceInvert { get; init; }
    public Ipv4Prefix? Destination { get; init; }
    public bool DestinationInvert { get; init; }
    /// <summary>-p: IP protocol number (6 tcp, 17 udp, 1 icmp); 0 = any.</summary>
    public byte Protocol { get; init; }
    public bool ProtocolInvert { get; init; }
    /// <summary>--sport (needs a TCP/UDP header: non-first fragments never match).</summary>
    public PortRange? SourcePort { get; init; }
    public bool SourcePortInvert { get; init; }
    /// <summary>--dport.</summary>
    public PortRange? DestinationPort { get; init; }
    public bool DestinationPortInvert { get; init; }

    /// <summary>-i: input device name; a trailing "+" matches every name with that prefix ("cali+").</summary>
    public string? InInterface
    {
        get => _interfaces?.In;
        init => Interfaces.SetIn(value);
    }

    public bool InInterfaceInvert
    {
        get => _interfaces?.InInvert ?? false;
        init => Interfaces.InInvert = value;
    }

    /// <summary>-o: output device name, "+" wildcard as for -i.</summary>
    public string? OutInterface
    {
        get => _interfaces?.Out;
        init => Interfaces.SetOut(value);
    }

    public bool OutInterfaceInvert
    {
        get => _interfaces?.OutInvert ?? false;
        init => Interfaces.OutInvert = value;
    }

    public IReadOnlyList<NfMatch> Matches
    {
        get => _matches;
        init => _matches = value.Count == 0 ? [] : [.. value]; // no array per match-less rule
    }

    private IptInterfaceMatch Interfaces => _interfaces ?? (_interfaces = new IptInterfaceMatch());

    /// <summary>-j / -g; null for a rule without target (it only counts).</summary>
    public NfTarget? Target { get; init; }
    /// <summary>-m comment --comment.</summary>
    public string? Comment { get; init; }

    public long Packets { get; private set; }
    public long Bytes { get; private set; }
    /// <summary>The chain the rule is in (null until added).</summary>
    public IptChain? Chain { get; internal set; }

    internal bool RequiresConntrack
    {
        get
        {
            if (Target?.RequiresConntrack == true) return true;
            foreach (NfMatch m in _matches)
                if (m.RequiresConntrack) return true;
            return false;
        }
    }

    internal bool Test(ref NfHookState s)
    {
        ref Ipv4Header ip = ref s.Packet.Layer(s.IpIndex).Ipv4;
        if (Source is { } src && src.Contains(ip.Source) == SourceInvert) return false;
        if (Destination is { } dst && dst.Contains(ip.Destination) == DestinationInvert) return false;
        if (Protocol != 0 && (ip.Protocol == Protocol) == ProtocolInvert) return false;
        if (_interfaces is not null && !_interfaces.Matches(s.In, s.Out)) return false;
        if (SourcePort is not null || DestinationPort is not null)
        {
            if (!PacketFields.TryGetPorts(s.Packet, s.TransportIndex, out ushort sp, out ushort dp)) return false;
            if (SourcePort is { } spr && spr.Contains(sp) == SourcePortInvert) return false;
            if (DestinationPort is { } dpr && dpr.Contains(dp) == DestinationPortInvert) return false;
        }
        NfMatch[] matches = _matches;
        for (int i = 0; i < matches.Length; i++)
            if (!matches[i].Test(ref s)) return false;
        return true;
    }

    internal void Count(Packet p)
    {
        Packets++;
        Bytes += p.Ipv4Length;
    }

    /// <summary>Zeroes the counters (iptables -Z).</summary>
    public void ZeroCounters()
    {
        Packets = 0;
        Bytes = 0;
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (Source is { } s) parts.Add($"{(SourceInvert ? "! " : "")}-s {s}");
        if (Destination is { } d) parts.Add($"{(DestinationInvert ? "! " : "")}-d {d}");
        if (Protocol != 0) parts.Add($"{(ProtocolInvert ? "! " : "")}-p {Protocol}");
        if (InInterface is { } i) parts.Add($"{(InInterfaceInvert ? "! " : "")}-i {i}");
        if (OutInterface is { } o) parts.Add($"{(OutInterfaceInvert ? "! " : "")}-o {o}");
        if (SourcePort is { } sp) parts.Add($"{(SourcePortInvert ? "! " : "")}--sport {sp}");
        if (DestinationPort is { } dp) parts.Add($"{(DestinationPortInvert ? "! " : "")}--dport {dp}");
        foreach (var m in _matches) parts.Add($"{(m.Invert ? "! " : "")}-m {m.GetType().Name}");
        if (Target is not null) parts.Add($"-j {Target}");
        return string.Join(' ', parts);
    }
}
