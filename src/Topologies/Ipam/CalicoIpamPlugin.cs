using NetSim.Topologies.Cni;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// The calico-ipam CNI plugin: assigns from the cluster's shared <see cref="CalicoIpam"/> (the datastore) on the
/// node named by the calico plugin's "nodename" field; the handle is the container id, as Calico's is per pod.
/// Calico returns /32 addresses: the pod reaches everything through its veth's link-local gateway.
/// </summary>
public sealed class CalicoIpamPlugin : ICniPlugin
{
    private readonly CalicoIpam _ipam;

    public CalicoIpamPlugin(CalicoIpam ipam) => _ipam = ipam;

    public string Type => "calico-ipam";

    public CniResult Add(CniRequest request)
    {
        string node = request.GetString("nodename", "");
        if (node.Length == 0) throw new CniException(CniException.InvalidNetworkConfig, "calico-ipam: no nodename in the network configuration");
        IpamAddress ip;
        try
        {
            ip = _ipam.AutoAssign(node, request.Args.ContainerId);
        }
        catch (IpamException e)
        {
            throw new CniException(CniException.Internal, e.Message);
        }
        var result = new CniResult();
        result.Ips.Add(new CniIp($"{ip}/{(ip.IsV6 ? 128 : 32)}", null));
        return result;
    }

    public void Del(CniRequest request) => _ipam.Release(request.Args.ContainerId);

    public void Check(CniRequest request)
    {
        if (!_ipam.Blocks.Any(b => b.FreeCount < b.Size))
            throw new CniException(CniException.Internal, $"calico-ipam: no address held for {request.Args.ContainerId}");
    }
}
