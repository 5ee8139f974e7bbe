namespace NetSim.Engine.Core;

/// <summary>
/// Something events are delivered to: a NIC, a CPU core, a TCP connection. Explicit callbacks, not coroutines,
/// so that the per-packet path allocates nothing.
/// </summary>
public interface IEventTarget
{
    void OnEvent(in SimEvent ev);
}
