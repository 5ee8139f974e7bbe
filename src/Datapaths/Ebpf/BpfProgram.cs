using NetSim.Datapaths.Devices;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Ebpf;

/// <summary>
/// An eBPF program attached at XDP or tc. It may read and rewrite the packet's headers (Service DNAT, MAC
/// rewrites) and returns a verdict. Each run charges <c>bpf.program × CostUnits</c> on the packet's core, so a
/// large program (Cilium's bpf_lxc) can be modelled as several units of a small one.
/// </summary>
public abstract class BpfProgram
{
    protected BpfProgram(string name, int costUnits = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(costUnits);
        Name = name;
        CostUnits = costUnits;
    }

    public string Name { get; }
    /// <summary>How many <c>bpf.program</c> costs one run charges.</summary>
    public int CostUnits { get; }
    public long Runs { get; private set; }

    internal BpfResult Execute(Packet packet, BpfHookPoint hook, NetDevice device)
    {
        Runs++;
        return Run(packet, hook, device);
    }

    /// <summary>The program body: inspect/rewrite <paramref name="packet"/> and decide.</summary>
    protected abstract BpfResult Run(Packet packet, BpfHookPoint hook, NetDevice device);

    public override string ToString() => Name;
}
