using NetSim.Topologies.Cni;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// The static IPAM plugin (containernetworking/plugins plugins/ipam/static): ADD returns the configured addresses
/// (with their gateways), routes and DNS and allocates nothing, so DEL has nothing to release; CHECK finds every
/// configured address (and its gateway, when one is set) in the previous result.
/// </summary>
public sealed class StaticIpamPlugin : ICniPlugin
{
    public string Type => "static";

    public CniResult Add(CniRequest request)
    {
        var config = StaticIpamConfig.From(request);
        var result = new CniResult { Dns = config.Dns };
        result.Ips.AddRange(config.Addresses);
        result.Routes.AddRange(config.Routes);
        return result;
    }

    public void Del(CniRequest request) { }

    public void Check(CniRequest request)
    {
        var config = StaticIpamConfig.From(request);
        if (request.PrevResult is not { } prev) throw new CniException(CniException.Internal, "Required prevResult missing");
        foreach (var want in config.Addresses)
        {
            string ip = want.Address.Split('/')[0];
            foreach (var have in prev.Ips)
            {
                if (have.Address.Split('/')[0] != ip) continue;
                if (want.Gateway is null || want.Gateway == have.Gateway) break;
                throw new CniException(CniException.Internal, $"static: Failed to match addr {ip} on interface {request.Args.IfName}");
            }
        }
    }
}
