using NetSim.Engine.Addressing;
using NetSim.Topologies.Cni;
using NetSim.Topologies.Cni.Plugins;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// The CNI dhcp daemon of one node (`/opt/cni/bin/dhcp daemon`, daemon.go): the plugin's ADD calls its Allocate over
/// /run/cni/dhcp.sock, which, for a client id it holds no lease for (CONTAINERID/NETWORK/IFNAME, at most 254 bytes),
/// acquires one on the container's interface and keeps it renewed; DEL calls Release, which stops the lease (a
/// DHCPRELEASE). While the cluster runs, Allocate blocks its caller (the runtime's thread) until the exchange on the
/// wire ends; while the cluster is being built (its first pods, before t = 0) the server's answer is taken as the
/// exchange's outcome, with the lease's times starting at 0.
/// </summary>
public sealed class DhcpDaemon
{
    private readonly CniNode _node;
    private readonly DhcpNetwork _network;
    private readonly Dictionary<string, DhcpLease> _leases = new(StringComparer.Ordinal);

    public DhcpDaemon(CniNode node, DhcpNetwork network)
    {
        _node = node;
        _network = network;
    }

    public IReadOnlyDictionary<string, DhcpLease> Leases => _leases;

    /// <summary>generateClientID: container id, network name and interface name, cut to 254 bytes.</summary>
    public static string ClientId(string containerId, string network, string ifName)
    {
        string id = $"{containerId}/{network}/{ifName}";
        return id.Length > 254 ? id[..254] : id;
    }

    /// <summary>DHCP.Allocate: the lease's address, gateway and routes (a default route via the router, as the CNI spec wants).</summary>
    public CniResult Allocate(CniRequest request)
    {
        string clientId = ClientId(request.Args.ContainerId, request.NetworkName, request.Args.IfName);
        if (!_leases.TryGetValue(clientId, out var lease))
        {
            var netns = _node.Netns(request.Args.NetNs);
            var link = PodInterface.Find(netns, request.Args.IfName)
                ?? throw new CniException(CniException.Internal, $"error calling DHCP.Allocate: error looking up \"{request.Args.IfName}\": Link not found");
            string pod = request.Args.Arg("K8S_POD_NAME") ?? request.Args.ContainerId[..12];
            lease = new DhcpLease(clientId, link, _network.Wire, _network.Timers, _network.Random(clientId), (kind, what) => _network.Log(kind, pod, what));
            if (Build.RuntimeThread.Current is { } thread)
            {
                lease.Acquire(thread.Resume);
                thread.Block(); // the RPC waits for the daemon's exchange on the wire
            }
            else AdoptBeforeRun(lease, link.Mac);
            if (lease.Ack is null)
            {
                lease.Stop();
                throw new CniException(CniException.Internal, $"error calling DHCP.Allocate: {lease.Error ?? "no more tries"}");
            }
            _leases[clientId] = lease;
        }
        var ack = lease.Ack!;
        var result = new CniResult();
        result.Ips.Add(new CniIp($"{ack.YourAddress}/{ack.PrefixLength}", ack.Router?.ToString()));
        if (ack.Router is { } gw) result.Routes.Add(new CniRoute("0.0.0.0/0", gw.ToString()));
        return result;
    }

    /// <summary>DHCP.Release: stop the lease (DHCPRELEASE) and forget it; nothing to do without one.</summary>
    public void Release(CniRequest request)
    {
        string clientId = ClientId(request.Args.ContainerId, request.NetworkName, request.Args.IfName);
        if (!_leases.Remove(clientId, out var lease)) return;
        lease.Stop();
    }

    private void AdoptBeforeRun(DhcpLease lease, MacAddress mac)
    {
        if (_network.Server?.LeaseBeforeRun(lease.ClientId, mac) is { } ack) lease.Adopt(ack);
    }
}
