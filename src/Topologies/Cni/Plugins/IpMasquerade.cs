using NetSim.Datapaths.Namespaces;
using NetSim.Datapaths.Netfilter;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The plugins library's ip.SetupIPMasq / TeardownIPMasq, used by bridge and ptp with ipMasq: a per-container chain
/// in nat POSTROUTING that accepts the pod's own subnet and masquerades the rest (never multicast).
/// </summary>
public static class IpMasquerade
{
    private static readonly Ipv4Prefix Multicast = Ipv4Prefix.Parse("224.0.0.0/4");

    public static void Setup(NetworkNamespace host, CniRequest request, Ipv4Address podIp, Ipv4Prefix subnet)
    {
        var nat = host.Netfilter.Nat;
        var chain = nat.GetOrCreateChain(ChainNames.For("CNI-", request));
        string comment = Comment(request);
        chain.Append(new IptRule { Destination = subnet, Target = StandardTarget.Accept, Comment = comment });
        chain.Append(new IptRule { Destination = Multicast, DestinationInvert = true, Target = new MasqueradeTarget(), Comment = comment });
        nat.Builtin(NfInetHook.PostRouting).Append(new IptRule { Source = new Ipv4Prefix(podIp, 32), Target = StandardTarget.Jump(chain), Comment = comment });
    }

    public static void Teardown(NetworkNamespace host, CniRequest request)
    {
        var nat = host.Netfilter.Nat;
        if (!nat.TryGetChain(ChainNames.For("CNI-", request), out var chain)) return;
        var postrouting = nat.Builtin(NfInetHook.PostRouting);
        foreach (var rule in postrouting.Rules.Where(r => r.Target?.Chain == chain).ToList()) postrouting.Delete(rule);
        chain.Flush();
    }

    private static string Comment(CniRequest request) => $"name: \"{request.NetworkName}\" id: \"{request.Args.ContainerId}\"";
}
