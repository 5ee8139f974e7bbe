using NetSim.Topologies.Cni;

namespace NetSim.Topologies.Ipam;

/// <summary>
/// The dhcp IPAM plugin (containernetworking/plugins plugins/ipam/dhcp main.go): ADD and CHECK call the node daemon's
/// DHCP.Allocate, DEL its DHCP.Release, over its unix socket (ipam.daemonSocketPath, default /run/cni/dhcp.sock). An
/// error from the daemon comes back as "error calling DHCP.Allocate: ..." and, being a plain error, CNI code 999.
/// </summary>
public sealed class DhcpIpamPlugin : ICniPlugin
{
    private readonly DhcpDaemon _daemon;

    public DhcpIpamPlugin(DhcpDaemon daemon) => _daemon = daemon;

    public string Type => "dhcp";

    public CniResult Add(CniRequest request) => _daemon.Allocate(request);

    public void Del(CniRequest request) => _daemon.Release(request);

    public void Check(CniRequest request) => _daemon.Allocate(request);
}
