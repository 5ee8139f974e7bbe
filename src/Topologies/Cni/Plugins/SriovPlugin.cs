using System.Text.Json.Nodes;
using NetSim.Engine.Nics;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// The SR-IOV CNI plugin (k8snetworkplumbingwg/sriov-cni): "deviceID" (a VF's PCI address, which Multus fills in from
/// the device plugin's allocation) names the VF; its PF's driver sets the VF's "mac", "vlan" (0-4094), "vlanQoS" (0-7,
/// needs a VLAN), "spoofchk" and "trust" ("on"/"off"), "min_tx_rate" and "max_tx_rate" (Mbit/s, min not above max; a
/// driver without a VF minimum, i40e or ixgbe, fails the ADD with EINVAL) and "link_state" (auto, enable, disable), then
/// the VF's netdev moves into the pod as CNI_IFNAME and gets the IPAM result. The pod then owns a NIC function: its own
/// queues and interrupts, frames to another VF of the NIC switched inside the NIC, others out of its port, none through
/// the host. DEL resets the VF (no VLAN, spoof check on, trust off, no rate limits, its own MAC) and moves it back.
/// </summary>
public sealed class SriovPlugin : ICniPlugin
{
    private readonly CniNode _node;

    public SriovPlugin(CniNode node) => _node = node;

    public string Type => "sriov";

    public CniResult Add(CniRequest request)
    {
        var vf = Vf(request);
        var netns = _node.Netns(request.Args.NetNs);
        var settings = Settings(request, vf);
        if (vf.Device.Namespace != _node.Host)
            throw new CniException(CniException.Internal, $"failed to get VF netdevice for {vf.PciAddress}: the VF is in use (its netdev is in another namespace)");
        if (PodInterface.Find(netns, request.Args.IfName) is not null)
            throw new CniException(CniException.Internal, $"error setting up interface \"{request.Args.IfName}\": file exists");
        try
        {
            vf.Eswitch!.Configure(vf.EswitchPort, settings);
        }
        catch (NotSupportedException)
        {
            throw new CniException(CniException.Internal,
                $"failed to set vf {vf.VfIndex} min_tx_rate to {settings.MinTxRateBps / 1_000_000} Mbps: max_tx_rate to {settings.MaxTxRateBps / 1_000_000} Mbps: invalid argument");
        }
        var nic = (Nic)vf.Device.TransmitTo!;
        if (settings.Mac != nic.Mac) nic.AddUnicastAddress(settings.Mac); // the VF's MAC filter follows "ip link set PF vf N mac"
        vf.Device.Mac = settings.Mac;
        HostDevicePlugin.MoveIn(vf.Device, netns, request.Args.IfName);
        var result = new CniResult();
        result.Interfaces.Add(new CniInterface(vf.Device.Name, vf.Device.Mac.ToString(), request.Args.NetNs));
        if (!LowerDevice.HasIpam(request)) return result;
        try
        {
            LowerDevice.ConfigureWithIpam(request, netns, vf.Device, result);
        }
        catch (CniException)
        {
            Release(vf, netns, request.Args.IfName);
            throw;
        }
        return result;
    }

    public void Del(CniRequest request)
    {
        if (request.Args.NetNs.Length == 0 || _node.TryNetns(request.Args.NetNs) is not { } netns) return;
        if (LowerDevice.HasIpam(request)) request.DelegateDel();
        if (DeviceId(request) is { Length: > 0 } id && _node.PciFunctions.FirstOrDefault(p => p.PciAddress == id && p.IsVf) is { } vf) Release(vf, netns, request.Args.IfName);
    }

    public void Check(CniRequest request)
    {
        var vf = Vf(request);
        var netns = _node.Netns(request.Args.NetNs);
        if (LowerDevice.HasIpam(request)) request.DelegateCheck();
        if (vf.Device.Namespace != netns || vf.Device.Name != request.Args.IfName)
            throw new CniException(CniException.Internal, $"VF {vf.PciAddress} is not {request.Args.IfName} in {request.Args.NetNs}");
        if (request.PrevResult is { } prev) ExpectedState.Validate(netns, request.Args.IfName, prev);
    }

    /// <summary>LoadConf: the VF named by deviceID (or runtimeConfig.deviceID).</summary>
    private PciNetFunction Vf(CniRequest request)
    {
        string id = DeviceId(request);
        if (id.Length == 0) throw CniException.InLoadConf(CniException.Internal, "LoadConf(): VF pci addr is required");
        return _node.PciFunctions.FirstOrDefault(p => p.PciAddress == id && p.IsVf)
            ?? throw CniException.InLoadConf(CniException.Internal, $"LoadConf(): failed to get VF information: \"lstat /sys/bus/pci/devices/{id}/physfn/net: no such file or directory\"");
    }

    private static string DeviceId(CniRequest request)
    {
        if (request.Config["runtimeConfig"] is JsonObject rc && rc["deviceID"] is JsonValue v && v.TryGetValue(out string? id) && id.Length > 0) return id;
        return request.GetString("deviceID", "");
    }

    /// <summary>The VF's settings from the config, each checked as sriov-cni's LoadConf does.</summary>
    private static VfSettings Settings(CniRequest request, PciNetFunction vf)
    {
        int vlan = request.GetInt("vlan", 0);
        if (vlan is < 0 or > 4094) throw CniException.InLoadConf(CniException.Internal, $"LoadConf(): vlan id {vlan} invalid: value must be in the range 0-4094");
        int qos = request.GetInt("vlanQoS", 0);
        if (qos is < 0 or > 7) throw CniException.InLoadConf(CniException.Internal, $"LoadConf(): vlan QoS PCP {qos} invalid: value must be in the range 0-7");
        if (qos != 0 && vlan == 0) throw CniException.InLoadConf(CniException.Internal, "LoadConf(): non-zero vlan id must be configured to set vlan QoS to a non-zero value");
        switch (request.GetString("vlanProto", ""))
        {
            case "" or "802.1q" or "802.1Q":
                break;
            case "802.1ad" or "802.1AD":
                throw CniException.InLoadConf(CniException.Internal, "LoadConf(): vlanProto 802.1ad (a QinQ service tag) is not modelled by NetSim; use 802.1q");
            case var proto:
                throw CniException.InLoadConf(CniException.Internal, $"LoadConf(): vlan proto {proto} invalid: value must be '802.1q' or '802.1ad'");
        }
        int min = request.GetInt("min_tx_rate", 0), max = request.GetInt("max_tx_rate", 0);
        if (min < 0 || max < 0) throw CniException.InLoadConf(CniException.Internal, "LoadConf(): tx rates must not be negative");
        if (max > 0 && min > max) throw CniException.InLoadConf(CniException.Internal, $"LoadConf(): min_tx_rate {min} is above max_tx_rate {max}");
        string mac = request.GetString("mac", "");
        var state = request.GetString("link_state", "") switch
        {
            "" or "auto" => VfLinkState.Auto,
            "enable" => VfLinkState.Enable,
            "disable" => VfLinkState.Disable,
            var other => throw CniException.InLoadConf(CniException.Internal, $"LoadConf(): invalid link_state value: {other}"),
        };
        return new VfSettings
        {
            Mac = mac.Length > 0 ? LowerDevice.ParseMac(mac, $"LoadConf(): invalid MAC address {mac}") : vf.Eswitch!.SettingsOf(vf.EswitchPort).Mac,
            Vlan = vlan,
            VlanQos = qos,
            LinkState = state,
            SpoofCheck = OnOff(request, "spoofchk", true),
            Trust = OnOff(request, "trust", false),
            MinTxRateBps = min * 1_000_000L,
            MaxTxRateBps = max * 1_000_000L,
        };
    }

    private static bool OnOff(CniRequest request, string key, bool fallback) => request.GetString(key, "") switch
    {
        "" => fallback,
        "on" => true,
        "off" => false,
        var other => throw CniException.InLoadConf(CniException.Internal, $"LoadConf(): {key} must be \"on\" or \"off\", not \"{other}\""),
    };

    /// <summary>ReleaseVF and ResetVFConfig: back to the host under its own name, with the NIC's defaults.</summary>
    private void Release(PciNetFunction vf, Datapaths.Namespaces.NetworkNamespace netns, string ifName)
    {
        if (vf.Device.Namespace != netns || vf.Device.Name != ifName) return;
        vf.Device.IsUp = false;
        vf.Device.Rename(vf.Device.Alias);
        vf.Device.MoveTo(_node.Host);
        var nic = (Nic)vf.Device.TransmitTo!;
        var mac = nic.Mac;
        if (vf.Device.Mac != mac) nic.RemoveUnicastAddress(vf.Device.Mac);
        vf.Device.Mac = mac;
        vf.Eswitch!.Configure(vf.EswitchPort, new VfSettings { Mac = mac });
    }
}
