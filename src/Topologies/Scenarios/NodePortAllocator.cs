using NetSim.Engine.Randomness;

namespace NetSim.Topologies.Scenarios;

/// <summary>
/// kube-apiserver's NodePort allocator over --service-node-port-range (30000-32767 by default) as it has been since
/// Kubernetes 1.27 (KEP-3668, "Reserved NodePort ranges for dynamic and static port allocation"): the range is split
/// into a lower static band of min(max(16, size/16), 128) ports and the upper dynamic band; a Service without a chosen
/// nodePort gets a random free port of the upper band (a random start, then the next free one), and only when that
/// band is full one of the lower band, so ports users pick from the lower band rarely collide. Random but
/// deterministic here: one stream seeded from the scenario's seed, Services taken in scenario order.
/// </summary>
public sealed class NodePortAllocator
{
    private readonly int _min, _size, _offset;
    private readonly bool[] _used;
    private readonly RandomStream _random;

    public NodePortAllocator(int min, int max, ulong seed)
    {
        _min = min;
        _size = max - min + 1;
        _offset = StaticBandSize(_size);
        _used = new bool[_size];
        _random = new RandomStreams(seed).Get("kube-apiserver/service-node-port-allocator");
    }

    /// <summary>KEP-3668's static band: size/16, at least 16 and at most 128 ports (128 for the default range).</summary>
    public static int StaticBandSize(int size) => Math.Min(Math.Max(16, size / 16), 128);

    /// <summary>The first port of the dynamic (upper) band.</summary>
    public int DynamicBandStart => _min + _offset;

    /// <summary>Marks a chosen port used; false when another Service has it already.</summary>
    public bool Reserve(int port)
    {
        int i = port - _min;
        if (_used[i]) return false;
        _used[i] = true;
        return true;
    }

    /// <summary>A free port (upper band first), or 0 when the range is used up.</summary>
    public int Allocate()
    {
        int upper = _size - _offset;
        int start = _random.Next(upper);
        for (int i = 0; i < upper; i++)
        {
            int at = _offset + (start + i) % upper;
            if (Take(at)) return _min + at;
        }
        start = _random.Next(_offset);
        for (int i = 0; i < _offset; i++)
        {
            int at = (start + i) % _offset;
            if (Take(at)) return _min + at;
        }
        return 0;
    }

    private bool Take(int at)
    {
        if (_used[at]) return false;
        _used[at] = true;
        return true;
    }
}
