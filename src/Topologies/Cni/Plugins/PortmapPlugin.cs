using System.Text.Json.Nodes;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The portmap meta-plugin (reference §1.5): for each runtimeConfig.portMappings entry, DNAT from the node's
/// hostPort to the pod's containerPort. nat CNI-HOSTPORT-DNAT (from PREROUTING and OUTPUT, destination type LOCAL)
/// jumps to a per-container CNI-DN-… chain that marks hairpin and localhost traffic with 0x2000 (CNI-HOSTPORT-SETMARK)
/// and DNATs; CNI-HOSTPORT-MASQ masquerades marked traffic (snat, default true). With no mappings it passes the
/// previous result through untouched, as the real plugin does.
/// </summary>
public sealed class PortmapPlugin : ICniPlugin
{
    private const uint MasqMark = 1u << 13; // markMasqBit default 13
    private static readonly Ipv4Prefix Localhost = Ipv4Prefix.Parse("127.0.0.1/32");

    private readonly CniNode _node;

    public PortmapPlugin(CniNode node) => _node = node;

    public string Type => "portmap";

    public CniResult Add(CniRequest request)
    {
        var prev = request.PrevResult ?? throw new CniException(CniException.InvalidNetworkConfig, "portmap: must be called as chained plugin");
        var mappings = Mappings(request);
        if (mappings.Count == 0) return prev;
        var pod = prev.Ips.Select(PodInterface.AddressOf).FirstOrDefault();
        var subnet = prev.Ips.Count > 0 ? PodInterface.SubnetOf(prev.Ips[0]) : new Ipv4Prefix(pod, 32);
        var nat = _node.Host.Netfilter.Nat;
        var dnat = EnsureTopChains(nat, request.GetBool("snat", true));
        var setMark = nat["CNI-HOSTPORT-SETMARK"];
        var chain = nat.GetOrCreateChain(ChainNames.For("CNI-DN-", request));
        string comment = $"dnat name: \"{request.NetworkName}\" id: \"{request.Args.ContainerId}\"";
        foreach (var (hostPort, containerPort, protocol) in mappings)
        {
            var port = new PortRange(hostPort);
            chain.Append(new IptRule { Source = subnet, Protocol = protocol, DestinationPort = port, Target = StandardTarget.Jump(setMark) });
            chain.Append(new IptRule { Source = Localhost, Protocol = protocol, DestinationPort = port, Target = StandardTarget.Jump(setMark) });
            chain.Append(new IptRule { Protocol = protocol, DestinationPort = port, Target = new DnatTarget(pod, containerPort) });
            dnat.Append(new IptRule { Protocol = protocol, DestinationPort = port, Target = StandardTarget.Jump(chain), Comment = comment });
        }
        return prev;
    }

    public void Del(CniRequest request)
    {
        var nat = _node.Host.Netfilter.Nat;
        if (!nat.TryGetChain(ChainNames.For("CNI-DN-", request), out var chain) || !nat.TryGetChain("CNI-HOSTPORT-DNAT", out var dnat)) return;
        foreach (var rule in dnat.Rules.Where(r => r.Target?.Chain == chain).ToList()) dnat.Delete(rule);
        chain.Flush();
    }

    public void Check(CniRequest request)
    {
        if (Mappings(request).Count == 0) return;
        if (!_node.Host.Netfilter.Nat.TryGetChain(ChainNames.For("CNI-DN-", request), out var chain) || chain.Rules.Count == 0)
            throw new CniException(CniException.Internal, $"portmap: chain {ChainNames.For("CNI-DN-", request)} is missing");
    }

    /// <summary>The shared chains, created once per node: DNAT entry, SETMARK, and MASQ from POSTROUTING.</summary>
    private static IptChain EnsureTopChains(IptTable nat, bool snat)
    {
        if (nat.TryGetChain("CNI-HOSTPORT-DNAT", out var existing)) return existing;
        var dnat = nat.NewChain("CNI-HOSTPORT-DNAT");
        var local = new AddrTypeMatch { DestinationType = AddrType.Local };
        foreach (var hook in new[] { NfInetHook.PreRouting, NfInetHook.LocalOut })
            nat.Builtin(hook).Append(new IptRule { Matches = [local], Target = StandardTarget.Jump(dnat) });
        nat.NewChain("CNI-HOSTPORT-SETMARK").Append(new IptRule { Target = MarkTarget.Or(MasqMark), Comment = "CNI portfwd masquerade mark" });
        var masq = nat.NewChain("CNI-HOSTPORT-MASQ");
        if (snat)
        {
            masq.Append(new IptRule { Matches = [new MarkMatch(MasqMark, MasqMark)], Target = new MasqueradeTarget() });
            nat.Builtin(NfInetHook.PostRouting).Append(new IptRule { Target = StandardTarget.Jump(masq), Comment = "CNI portfwd requiring masquerade" });
        }
        return dnat;
    }

    /// <summary>runtimeConfig.portMappings: [{hostPort, containerPort, protocol}], IPv4 tcp/udp/sctp.</summary>
    private static List<(ushort HostPort, ushort ContainerPort, byte Protocol)> Mappings(CniRequest request)
    {
        var list = new List<(ushort, ushort, byte)>();
        if (request.Config["runtimeConfig"] is not JsonObject rc || rc["portMappings"] is not JsonArray arr) return list;
        foreach (var m in arr.OfType<JsonObject>())
        {
            int host = m["hostPort"]?.GetValue<int>() ?? 0, container = m["containerPort"]?.GetValue<int>() ?? 0;
            if (host is < 1 or > 65535 || container is < 1 or > 65535)
                throw new CniException(CniException.InvalidNetworkConfig, $"portmap: invalid port mapping {m.ToJsonString()}");
            string proto = m["protocol"]?.GetValue<string>()?.ToUpperInvariant() ?? "TCP";
            byte p = proto switch
            {
                "TCP" => 6,
                "UDP" => 17,
                "SCTP" => 132,
                _ => throw new CniException(CniException.InvalidNetworkConfig, $"portmap: unknown protocol {proto}"),
            };
            list.Add(((ushort)host, (ushort)container, p));
        }
        return list;
    }

}
