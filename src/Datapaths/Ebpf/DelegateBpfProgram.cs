using NetSim.Datapaths.Devices;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Ebpf;

/// <summary>An eBPF program whose body is a C# delegate (allocated once; calling it allocates nothing).</summary>
public sealed class DelegateBpfProgram : BpfProgram
{
    private readonly Func<Packet, BpfHookPoint, NetDevice, BpfResult> _body;

    public DelegateBpfProgram(string name, Func<Packet, BpfHookPoint, NetDevice, BpfResult> body, int costUnits = 1)
        : base(name, costUnits) => _body = body;

    protected override BpfResult Run(Packet packet, BpfHookPoint hook, NetDevice device) => _body(packet, hook, device);
}
