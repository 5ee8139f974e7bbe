namespace NetSim.Datapaths.Tunnels;

/// <summary>
/// crypt_queue: one device's ring of bundles waiting for encryption (or decryption), consumed by whichever of its
/// per-CPU workers runs first, and the CPU the next bundle's worker is woken on: every online CPU in turn
/// (wg_cpumask_next_online over last_cpu), so one tunnel's crypto spreads over all cores.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "crypt_queue is WireGuard's own name.")]
public sealed class WireGuardCryptQueue
{
    private readonly WireGuardBundleQueue _ring = new();
    private int _nextCpu;

    public int Count => _ring.Count;
    /// <summary>Bundles refused because the ring was full (queued as dead for their peer instead).</summary>
    public long Refused => _ring.Refused;

    public bool TryProduce(WireGuardPacketBundle bundle) => _ring.TryEnqueue(bundle);

    public WireGuardPacketBundle? Peek() => _ring.Peek();

    public WireGuardPacketBundle Consume() => _ring.Dequeue();

    /// <summary>wg_cpumask_next_online: the CPU whose worker is woken for the next bundle, round robin over <paramref name="cores"/>.</summary>
    public int NextCpu(int cores)
    {
        int cpu = _nextCpu % cores;
        _nextCpu = (cpu + 1) % cores;
        return cpu;
    }
}
