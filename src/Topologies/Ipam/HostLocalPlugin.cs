using NetSim.Topologies.Cni;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// The host-local IPAM plugin (main.go, reference §2.4): one address per range set, released as a whole on any
/// failure; one store per network name, as /var/lib/cni/networks/&lt;name&gt; is per network on a node.
/// </summary>
public sealed class HostLocalPlugin : ICniPlugin
{
    private readonly Dictionary<string, HostLocalStore> _stores = new(StringComparer.Ordinal);

    public string Type => "host-local";

    public HostLocalStore StoreFor(string network)
    {
        if (!_stores.TryGetValue(network, out var s)) _stores[network] = s = new HostLocalStore();
        return s;
    }

    public CniResult Add(CniRequest request)
    {
        var config = HostLocalConfig.From(request);
        var store = StoreFor(request.NetworkName);
        string id = request.Args.ContainerId, ifName = request.Args.IfName;
        var requested = config.RequestedIps.ToList();
        var result = new CniResult();
        for (int i = 0; i < config.RangeSets.Count; i++)
        {
            var allocator = new HostLocalAllocator(config.RangeSets[i], store, i);
            IpamAddress? want = TakeRequestFor(requested, config.RangeSets[i]);
            try
            {
                var got = allocator.Get(id, ifName, want);
                result.Ips.Add(new CniIp(got.Cidr, got.Gateway.ToString()));
            }
            catch (IpamException e)
            {
                store.ReleaseByKey(id, ifName);
                throw new CniException(CniException.Internal, $"failed to allocate for range {i}: {e.Message}");
            }
        }
        if (requested.Count > 0)
        {
            store.ReleaseByKey(id, ifName);
            throw new CniException(CniException.Internal, $"failed to allocate all requested IPs: {string.Join(",", requested)}");
        }
        result.Routes.AddRange(config.Routes);
        return result;
    }

    public void Del(CniRequest request) => StoreFor(request.NetworkName).ReleaseByKey(request.Args.ContainerId, request.Args.IfName);

    /// <summary>CHECK succeeds iff the store holds something for this attachment (the address is not verified).</summary>
    public void Check(CniRequest request)
    {
        if (StoreFor(request.NetworkName).GetByKey(request.Args.ContainerId, request.Args.IfName).Count == 0)
            throw new CniException(CniException.Internal, $"host-local: Failed to find address added by container {request.Args.ContainerId}");
    }

    private static IpamAddress? TakeRequestFor(List<IpamAddress> requested, RangeSet set)
    {
        int i = requested.FindIndex(set.Contains);
        if (i < 0) return null;
        var ip = requested[i];
        requested.RemoveAt(i);
        return ip;
    }
}
