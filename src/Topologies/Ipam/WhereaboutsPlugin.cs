using System.Text.Json.Nodes;
using NetSim.Topologies.Cni;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// The whereabouts IPAM plugin (k8snetworkplumbingwg/whereabouts): one range shared by the whole cluster through a
/// cluster-wide <see cref="WhereaboutsStore"/>. ADD returns the pod's existing reservation (same pod and interface,
/// a restarted sandbox keeps its address) or reserves the lowest free address of the range, skipping excluded
/// subnets (allocate.IterateForAssignment), so an address released by DEL is the next one handed out; static
/// "addresses", "gateway", "routes" and "dns" join the result. DEL frees the container's reservation; CHECK is not
/// implemented by the plugin and fails as it does.
/// </summary>
public sealed class WhereaboutsPlugin : ICniPlugin
{
    private readonly WhereaboutsStore _store;

    public WhereaboutsPlugin(WhereaboutsStore store) => _store = store;

    public string Type => "whereabouts";

    public CniResult Add(CniRequest request)
    {
        var (range, gateway, statics) = Load(request);
        string pod = request.Args.Arg("K8S_POD_NAME") ?? "";
        if (pod.Length == 0) throw StorageError("IPAM client initialization error: no pod name");
        string podRef = $"{request.Args.Arg("K8S_POD_NAMESPACE") ?? ""}/{pod}";
        IpamAddress ip;
        try
        {
            ip = Assign(range, _store.PoolFor(range.Pool), request.Args.ContainerId, podRef, request.Args.IfName);
        }
        catch (IpamException e)
        {
            throw StorageError(e.Message);
        }
        var result = new CniResult { Dns = statics.Dns };
        result.Routes.AddRange(statics.Routes);
        result.Ips.Add(new CniIp($"{ip}/{range.Pool.PrefixLength}", gateway?.ToString()));
        result.Ips.AddRange(statics.Addresses);
        return result;
    }

    public void Del(CniRequest request)
    {
        var (range, _, _) = Load(request);
        var pool = _store.PoolFor(range.Pool);
        int i = pool.FindIndex(r => r.ContainerId == request.Args.ContainerId && r.IfName == request.Args.IfName);
        if (i >= 0) pool.RemoveAt(i);
    }

    public void Check(CniRequest request) => throw new CniException(CniException.Internal, "CNI CHECK method is not implemented");

    /// <summary>AssignIP: the pod's reservation if it has one (its container id updated), else the lowest free address.</summary>
    private static IpamAddress Assign(WhereaboutsRange range, List<WhereaboutsReservation> pool, string containerId, string podRef, string ifName)
    {
        int mine = pool.FindIndex(r => r.PodRef == podRef && r.IfName == ifName);
        if (mine >= 0)
        {
            pool[mine] = pool[mine] with { ContainerId = containerId };
            return pool[mine].Ip;
        }
        var reserved = pool.Select(r => r.Ip).ToHashSet();
        var excluded = range.ExcludedSubnets();
        for (var ip = range.First; range.Pool.Contains(ip) && ip <= range.Last; ip = ip.Next())
        {
            if (reserved.Contains(ip)) continue;
            int hit = excluded.FindIndex(x => x.Contains(ip));
            if (hit >= 0)
            {
                ip = excluded[hit].Last; // jump to the excluded subnet's broadcast; the loop steps past it
                continue;
            }
            pool.Add(new WhereaboutsReservation(ip, containerId, podRef, ifName));
            return ip;
        }
        throw new IpamException($"Could not allocate IP in range: ip: {range.First} / - {range.Last} / range: {range.Pool} / excludeRanges: [{string.Join(" ", range.Exclude)}]");
    }

    private static (WhereaboutsRange Range, IpamAddress? Gateway, StaticIpamConfig Statics) Load(CniRequest request)
    {
        if (request.Config["ipam"] is not JsonObject ipam) throw new CniException(CniException.Internal, "IPAM config missing 'ipam' key");
        var range = WhereaboutsRange.From(ipam);
        IpamAddress? gw = null;
        if (ipam["gateway"] is JsonValue g && g.TryGetValue(out string? text) && text.Length > 0)
            gw = IpamAddress.TryParse(text, out var a) ? a : throw new CniException(CniException.Internal, $"couldn't parse gateway IP: {text}");
        return (range, gw, StaticIpamConfig.From(request, overrides: false));
    }

    private static CniException StorageError(string msg) => new(CniException.Internal, $"error at storage engine: {msg}");
}
