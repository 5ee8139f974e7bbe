using System.Text.Json.Nodes;
using NetSim.Datapaths.Devices;
using NetSim.Datapaths.Namespaces;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The CNI host-device plugin (containernetworking/plugins main/host-device): moves an existing host interface, named by
/// "device", "hwaddr", "kernelpath" or "pciBusID" (or runtimeConfig.deviceID, which overrides pciBusID), into the pod's
/// netns: set down, its host name kept as its alias, renamed to CNI_IFNAME, set up; with an "ipam" section the IPAM
/// result goes on it. The host no longer has the device while the pod does. DEL renames it back to its alias and moves it
/// to the host (its addresses stay behind, as moving a link between namespaces flushes them). The pod's packets then use
/// the NIC directly: no veth, bridge or host stack.
/// </summary>
public sealed class HostDevicePlugin : ICniPlugin
{
    private readonly CniNode _node;

    public HostDevicePlugin(CniNode node) => _node = node;

    public string Type => "host-device";

    public CniResult Add(CniRequest request)
    {
        var (device, hwaddr, kernelpath, pci) = LoadConf(request);
        var netns = _node.Netns(request.Args.NetNs);
        var host = GetLink(device, hwaddr, kernelpath, pci) ?? throw new CniException(CniException.Internal, "failed to find host device: Link not found");
        if (PodInterface.Find(netns, request.Args.IfName) is not null)
            throw new CniException(CniException.Internal, $"failed to move link failed to rename device \"{host.Name}\" to \"{request.Args.IfName}\": file exists");
        MoveIn(host, netns, request.Args.IfName);
        var result = new CniResult();
        result.Interfaces.Add(new CniInterface(host.Name, host.Mac.ToString(), request.Args.NetNs));
        if (!LowerDevice.HasIpam(request)) return result;
        try
        {
            LowerDevice.ConfigureWithIpam(request, netns, host, result);
        }
        catch (CniException)
        {
            MoveOut(netns, request.Args.IfName);
            throw;
        }
        if (request.Config["dns"] is JsonObject dns && dns.Count > 0) result.Dns = CniDns.From(dns);
        return result;
    }

    public void Del(CniRequest request)
    {
        LoadConf(request);
        if (request.Args.NetNs.Length == 0 || _node.TryNetns(request.Args.NetNs) is not { } netns) return;
        if (LowerDevice.HasIpam(request)) request.DelegateDel();
        MoveOut(netns, request.Args.IfName);
    }

    public void Check(CniRequest request)
    {
        LoadConf(request);
        var netns = _node.Netns(request.Args.NetNs);
        if (LowerDevice.HasIpam(request)) request.DelegateCheck();
        if (request.PrevResult is not { } prev) throw new CniException(CniException.Internal, "Required prevResult missing");
        var iface = prev.Interfaces.FirstOrDefault(i => i.Name == request.Args.IfName && i.Sandbox == request.Args.NetNs);
        if (iface is null) throw new CniException(CniException.Internal, $"Sandbox in prevResult  doesn't match configured netns: {request.Args.NetNs}");
        if (PodInterface.Find(netns, iface.Name) is not { } link)
            throw new CniException(CniException.Internal, $"Container Interface name in prevResult: {iface.Name} not found");
        if (iface.Mac.Length > 0 && iface.Mac != link.Mac.ToString())
            throw new CniException(CniException.Internal, $"Interface {iface.Name} Mac {iface.Mac} doesn't match container Mac: {link.Mac}");
        ExpectedState.Validate(netns, request.Args.IfName, prev);
    }

    /// <summary>loadConf: runtimeConfig.deviceID overrides pciBusID; one of the four keys is required.</summary>
    private static (string Device, string HwAddr, string KernelPath, string Pci) LoadConf(CniRequest request)
    {
        string pci = request.GetString("pciBusID", "");
        if (request.Config["runtimeConfig"] is JsonObject rc && rc["deviceID"] is JsonValue v && v.TryGetValue(out string? id) && id.Length > 0) pci = id;
        var conf = (request.GetString("device", ""), request.GetString("hwaddr", ""), request.GetString("kernelpath", ""), pci);
        if (conf.Item1.Length == 0 && conf.Item2.Length == 0 && conf.Item3.Length == 0 && pci.Length == 0)
            throw CniException.InLoadConf(CniException.Internal, "specify either \"device\", \"hwaddr\", \"kernelpath\" or \"pciBusID\"");
        return conf;
    }

    /// <summary>getLink: by name, else by MAC, else the netdev under the kernel path, else under the PCI address; only the host's links count.</summary>
    private PhysicalDevice? GetLink(string device, string hwaddr, string kernelpath, string pci)
    {
        if (device.Length > 0) return PodInterface.Find(_node.Host, device) as PhysicalDevice;
        if (hwaddr.Length > 0)
        {
            var mac = LowerDevice.ParseMac(hwaddr, $"failed to find host device: failed to parse MAC address \"{hwaddr}\"");
            return _node.Host.Devices.OfType<PhysicalDevice>().FirstOrDefault(d => d.Mac == mac);
        }
        if (kernelpath.Length > 0)
        {
            if (!kernelpath.StartsWith("/sys/devices/", StringComparison.Ordinal))
                throw new CniException(CniException.Internal, $"failed to find host device: kernel device path \"{kernelpath}\" must be absolute and begin with /sys/devices/");
            var f = _node.PciFunctions.FirstOrDefault(p => p.KernelPath == kernelpath)
                ?? throw new CniException(CniException.Internal, $"failed to find host device: failed to find network devices at \"{kernelpath}/net\"");
            return InHost(f);
        }
        var fn = _node.PciFunctions.FirstOrDefault(p => p.PciAddress == pci)
            ?? throw new CniException(CniException.Internal, $"failed to find host device: no net directory under pci device {pci}");
        return InHost(fn) ?? throw new CniException(CniException.Internal, $"failed to find host device: failed to find device name for pci address {pci}");
    }

    /// <summary>A function's netdev is listed under its sysfs entry only while it is in the host's namespace.</summary>
    private PhysicalDevice? InHost(PciNetFunction f) => f.Device.Namespace == _node.Host ? f.Device : null;

    /// <summary>moveLinkIn: into the netns, down, alias = host name, renamed to CNI_IFNAME, up.</summary>
    public static void MoveIn(NetDevice dev, NetworkNamespace netns, string ifName)
    {
        ArgumentNullException.ThrowIfNull(dev);
        dev.MoveTo(netns);
        dev.IsUp = false;
        dev.Alias = dev.Name;
        dev.Rename(ifName);
        dev.IsUp = true;
    }

    /// <summary>moveLinkOut: down, renamed back to its alias, into the host netns; nothing to do if the pod has no such link.</summary>
    private void MoveOut(NetworkNamespace netns, string ifName)
    {
        if (PodInterface.Find(netns, ifName) is not { } dev) return;
        dev.IsUp = false;
        try
        {
            dev.Rename(dev.Alias);
        }
        catch (InvalidOperationException e)
        {
            dev.IsUp = true;
            throw new CniException(CniException.Internal, $"failed to restore \"{ifName}\" to original name \"{dev.Alias}\": {e.Message}");
        }
        dev.MoveTo(_node.Host);
        dev.IsUp = true;
    }
}
