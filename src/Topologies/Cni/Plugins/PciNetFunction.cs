using NetSim.Datapaths.Devices;
using NetSim.Engine.Nics;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// A network PCI function of a node as sysfs shows it (/sys/bus/pci/devices/ADDRESS/net/NAME): its PCI address, its
/// kernel device path, its netdev, and for an SR-IOV virtual function the PF it belongs to, its VF number and its port on
/// the NIC's embedded switch (where the PF's driver applies the VF's vlan, spoofchk, trust and rates).
/// </summary>
public sealed record PciNetFunction(string PciAddress, string KernelPath, PhysicalDevice Device, string PfName, int VfIndex)
{
    /// <summary>The NIC's embedded switch (null for a NIC without VFs).</summary>
    public EmbeddedSwitch? Eswitch { get; init; }

    /// <summary>The function's port on <see cref="Eswitch"/>.</summary>
    public int EswitchPort { get; init; }

    /// <summary>The device plugin's resource this VF is advertised as ("" for a PF).</summary>
    public string Resource { get; init; } = "";

    public bool IsVf => VfIndex >= 0;

    /// <summary>The PCI address of function <paramref name="fn"/> of a NIC on <paramref name="bus"/>: the PF is device 0, VFs from device 2, eight functions a device.</summary>
    public static string Address(int bus, int fn) =>
        fn < 0 ? $"0000:{bus:x2}:00.0" : $"0000:{bus:x2}:{2 + fn / 8:x2}.{fn % 8}";

    /// <summary>The function's kobject under /sys/devices (its root complex, then the function).</summary>
    public static string KernelPathOf(int bus, string address) => $"/sys/devices/pci0000:{bus:x2}/{address}";
}
