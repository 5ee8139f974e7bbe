using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetSim.Engine.Packets;

/// <summary>
/// A packet (the kernel's sk_buff): a stack of headers with their real sizes plus an application payload length.
/// Layer 0 is the innermost header (the transport header of the original packet); the top of the stack is the
/// outermost header on the wire. Pooled: rent from a <see cref="PacketPool"/>, and every packet ends by being
/// delivered, dropped with a reason, or absorbed (GRO merge, GSO split) through the pool.
/// Simulation-only metadata (flow id, timestamps, the core it is processed on) travels beside the headers as
/// "tags", never inside them.
/// </summary>
public sealed class Packet
{
    public const int MaxLayers = 12;

    private readonly HeaderLayer[] _layers = new HeaderLayer[MaxLayers];
    private int _count;

    // Length bookkeeping, kept up to date on push and pop so Length does not walk the stack: the bytes of the
    // fixed-size layers, and the last-computed sizes of the variable ones (Ethernet, TCP, Geneve), re-read only
    // for the layers whose header was handed out by reference since (a bit in _dirtyMask). ESP's trailer depends
    // on the bytes inside it, so a packet with an ESP layer falls back to the walk.
    private readonly int[] _variableSize = new int[MaxLayers];
    private int _fixedBytes;
    private int _variableBytes;
    private int _variableMask;
    private int _dirtyMask;
    private int _espMask;

    internal Packet(PacketPool pool) => Pool = pool;

    /// <summary>The pool that owns this packet.</summary>
    public PacketPool Pool { get; }
    /// <summary>A run-unique number assigned at allocation (for traces and pcap correlation).</summary>
    public long Id { get; internal set; }
    internal bool InPool { get; set; }
    /// <summary>True once the packet has ended (delivered, dropped or absorbed) and waits in its pool for reuse.</summary>
    public bool IsReturned => InPool;

    /// <summary>Application bytes carried after the innermost header.</summary>
    public int PayloadLength;
    /// <summary>The flow this packet belongs to (assigned by the transport; -1 when none).</summary>
    public int FlowId;
    /// <summary>When the packet was created (ps), for one-way latency.</summary>
    public long CreatedAt;
    /// <summary>skb->mark: netfilter marks (e.g. kube-proxy's 0x4000 masquerade bit).</summary>
    public uint Mark;
    /// <summary>The conntrack entry attached by nf_conntrack (skb->_nfct); owned by the datapath.</summary>
    public object? Conntrack;
    /// <summary>
    /// GSO/TSO: when non-zero, this is a super-packet whose payload is cut into segments of this many bytes
    /// (the MSS) at the NIC or in software. GRO sets it on merged packets too.
    /// </summary>
    public ushort GsoSize;
    /// <summary>The CPU core processing this packet (chosen by RSS on receive, by the socket on send).</summary>
    public int Core;
    /// <summary>The interface the packet arrived on (ifindex), 0 for locally generated packets.</summary>
    public int IngressInterface;
    /// <summary>Cached flow hash (skb->hash); 0 until computed.</summary>
    public uint Hash;
    /// <summary>True when the checksum is left for the NIC to fill (CHECKSUM_PARTIAL).</summary>
    public bool ChecksumOffloaded;
    /// <summary>
    /// The NIC's GRO could not merge this frame for want of a known checksum (udp_gro_receive on a zero-checksum UDP
    /// tunnel before Linux 5.12); its tunnel device's gro_cells merges it after decapsulation.
    /// </summary>
    public bool GroRefused;
    /// <summary>The per-hop record, present only when tracing is on.</summary>
    public PacketTrace? Trace;
    /// <summary>skb->sk: the socket whose send buffer this packet's memory counts against (null when orphaned).</summary>
    public ISkbOwner? Owner;
    /// <summary>skb->truesize: what the packet costs its owner's buffer.</summary>
    public int Truesize;
    /// <summary>
    /// What the application payload says, for protocols whose content steers the simulation (a DNS message's id,
    /// question and answer): a handle the application encodes and decodes; 0 when unused.
    /// </summary>
    public long AppTag;

    public int LayerCount => _count;

    /// <summary>The layer at <paramref name="index"/> (0 = innermost).</summary>
    public ref HeaderLayer Layer(int index)
    {
        if ((uint)index >= (uint)_count) ThrowNoLayer(index);
        _dirtyMask |= _variableMask & (1 << index); // the caller may change a size-bearing field
        return ref _layers[index];
    }

    /// <summary>The outermost header's kind, or None for an empty packet.</summary>
    public HeaderKind TopKind => _count == 0 ? HeaderKind.None : _layers[_count - 1].Kind;

    public ref HeaderLayer Top => ref Layer(_count - 1);

    /// <summary>Index of the outermost layer of this kind, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int IndexOfOuter(HeaderKind kind)
    {
        for (int i = _count - 1; i >= 0; i--)
            if (_layers[i].Kind == kind) return i;
        return -1;
    }

    /// <summary>Index of the innermost layer of this kind, or -1.</summary>
    public int IndexOfInner(HeaderKind kind)
    {
        for (int i = 0; i < _count; i++)
            if (_layers[i].Kind == kind) return i;
        return -1;
    }

    public bool Has(HeaderKind kind) => IndexOfOuter(kind) >= 0;

    /// <summary>The outermost IPv4 header (the one routing looks at).</summary>
    public ref Ipv4Header Ipv4 => ref LayerOf(IndexOfOuter(HeaderKind.Ipv4), HeaderKind.Ipv4).Ipv4;
    /// <summary>The outermost Ethernet header.</summary>
    public ref EthernetHeader Ethernet => ref VariableLayerOf(IndexOfOuter(HeaderKind.Ethernet), HeaderKind.Ethernet).Ethernet;
    /// <summary>The innermost TCP header (the connection's own).</summary>
    public ref TcpHeader Tcp => ref VariableLayerOf(IndexOfInner(HeaderKind.Tcp), HeaderKind.Tcp).Tcp;
    /// <summary>The outermost UDP header (a tunnel's outer UDP when encapsulated).</summary>
    public ref UdpHeader Udp => ref LayerOf(IndexOfOuter(HeaderKind.Udp), HeaderKind.Udp).Udp;
    public ref IcmpHeader Icmp => ref LayerOf(IndexOfInner(HeaderKind.Icmp), HeaderKind.Icmp).Icmp;

    /// <summary>Pushes a new outermost header of <paramref name="kind"/>, zeroed, and returns it for filling in.</summary>
    public ref HeaderLayer Push(HeaderKind kind)
    {
        if (_count == MaxLayers) throw new InvalidOperationException($"packet {Id} already has {MaxLayers} headers");
        int index = _count++;
        ref HeaderLayer layer = ref _layers[index];
        layer = default;
        layer.Kind = kind;
        int size = FixedSize(kind);
        if (size >= 0) _fixedBytes += size;
        else
        {
            int bit = 1 << index;
            _variableMask |= bit;
            _dirtyMask |= bit;
            _variableSize[index] = 0;
            if (kind == HeaderKind.Esp) _espMask |= bit;
        }
        return ref layer;
    }

    /// <summary>Removes the outermost header, which must be of <paramref name="expected"/> kind.</summary>
    public void Pop(HeaderKind expected)
    {
        if (_count == 0 || _layers[_count - 1].Kind != expected)
            throw new InvalidOperationException($"packet {Id}: expected {expected} on top, found {TopKind}");
        int index = --_count;
        int bit = 1 << index;
        if ((_variableMask & bit) == 0) _fixedBytes -= FixedSize(expected);
        else
        {
            _variableBytes -= _variableSize[index];
            _variableMask &= ~bit;
            _dirtyMask &= ~bit;
            _espMask &= ~bit;
        }
    }

    public ref EthernetHeader PushEthernet() => ref Push(HeaderKind.Ethernet).Ethernet;
    public ref Ipv4Header PushIpv4() => ref Push(HeaderKind.Ipv4).Ipv4;
    public ref TcpHeader PushTcp() => ref Push(HeaderKind.Tcp).Tcp;
    public ref UdpHeader PushUdp() => ref Push(HeaderKind.Udp).Udp;
    public ref IcmpHeader PushIcmp() => ref Push(HeaderKind.Icmp).Icmp;
    public ref VxlanHeader PushVxlan() => ref Push(HeaderKind.Vxlan).Vxlan;
    public ref GeneveHeader PushGeneve() => ref Push(HeaderKind.Geneve).Geneve;
    public ref GreHeader PushGre() => ref Push(HeaderKind.Gre).Gre;
    public ref WireGuardHeader PushWireGuard() => ref Push(HeaderKind.WireGuard).WireGuard;
    public ref EspHeader PushEsp() => ref Push(HeaderKind.Esp).Esp;
    public ref SctpHeader PushSctp() => ref Push(HeaderKind.Sctp).Sctp;
    public ref WeaveSleeveHeader PushWeaveSleeve() => ref Push(HeaderKind.WeaveSleeve).WeaveSleeve;

    /// <summary>Bytes of the packet from layer <paramref name="index"/> inwards, including payload and trailers.</summary>
    public int LengthFrom(int index)
    {
        if (index >= _count - 1) return Length;
        if (_espMask != 0) return WalkLength(index);
        int bytes = Length;
        for (int i = _count - 1; i > index; i--) bytes -= LayerSize(i, 0);
        return bytes;
    }

    /// <summary>
    /// Total bytes of all headers, payload and trailers (the frame without FCS when Ethernet is on top). O(1): a
    /// size-bearing header (Ethernet's VLAN tag, TCP options, Geneve options) is re-read after it was handed out by
    /// reference, so change it through a fresh reference (Push, Tcp, Ethernet, Layer), not one kept across a read.
    /// </summary>
    public int Length
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_dirtyMask != 0) RefreshVariableSizes();
            return _espMask == 0 ? PayloadLength + _fixedBytes + _variableBytes : WalkLength(_count - 1);
        }
    }

    /// <summary>Re-reads the sizes of the variable layers handed out by reference since they were last read.</summary>
    private void RefreshVariableSizes()
    {
        for (int m = _dirtyMask; m != 0; m &= m - 1)
        {
            int i = BitOperations.TrailingZeroCount(m);
            int size = LayerSize(i, 0);
            _variableBytes += size - _variableSize[i];
            _variableSize[i] = size;
        }
        _dirtyMask = 0;
    }

    /// <summary>The length from layer <paramref name="index"/> inwards, layer by layer (ESP's trailer needs the bytes inside it).</summary>
    private int WalkLength(int index)
    {
        int bytes = PayloadLength;
        for (int i = 0; i <= index && i < _count; i++) bytes += LayerSize(i, bytes);
        return bytes;
    }

    /// <summary>Bytes from the outermost IPv4 header inwards: the IP total length MTU checks compare.</summary>
    public int Ipv4Length
    {
        get
        {
            int i = IndexOfOuter(HeaderKind.Ipv4);
            return i < 0 ? 0 : LengthFrom(i);
        }
    }

    /// <summary>The size of a header kind whose size never changes, or -1 for Ethernet, TCP, Geneve and ESP.</summary>
    private static int FixedSize(HeaderKind kind) => kind switch
    {
        HeaderKind.Ipv4 => Ipv4Header.Size,
        HeaderKind.Udp => UdpHeader.Size,
        HeaderKind.Icmp => IcmpHeader.Size,
        HeaderKind.Vxlan => VxlanHeader.Size,
        HeaderKind.Gre => GreHeader.Size,
        HeaderKind.WireGuard => WireGuardHeader.HeaderSize + WireGuardHeader.TagSize,
        HeaderKind.Sctp => SctpHeader.Size,
        HeaderKind.Ethernet or HeaderKind.Tcp or HeaderKind.Geneve or HeaderKind.Esp or HeaderKind.WeaveSleeve => -1,
        _ => 0,
    };

    /// <summary>Size of layer i, given the bytes already inside it (ESP's trailer depends on them).</summary>
    private int LayerSize(int i, int innerBytes)
    {
        ref HeaderLayer l = ref _layers[i];
        return l.Kind switch
        {
            HeaderKind.Ethernet => l.Ethernet.Length,
            HeaderKind.Ipv4 => Ipv4Header.Size,
            HeaderKind.Tcp => l.Tcp.Length,
            HeaderKind.Udp => UdpHeader.Size,
            HeaderKind.Icmp => IcmpHeader.Size,
            HeaderKind.Vxlan => VxlanHeader.Size,
            HeaderKind.Geneve => l.Geneve.Length,
            HeaderKind.Gre => GreHeader.Size,
            HeaderKind.WireGuard => WireGuardHeader.HeaderSize + WireGuardHeader.TagSize,
            HeaderKind.Esp => EspHeader.HeaderSize + EspHeader.TrailerFor(innerBytes),
            HeaderKind.Sctp => SctpHeader.Size,
            HeaderKind.WeaveSleeve => l.WeaveSleeve.Length,
            _ => 0,
        };
    }

    /// <summary>Number of wire segments this (possibly GSO) packet becomes: ceil(payload / GsoSize).</summary>
    public int SegmentCount => GsoSize == 0 || PayloadLength <= GsoSize ? 1 : (PayloadLength + GsoSize - 1) / GsoSize;

    /// <summary>Copies headers and tags (not the trace) from <paramref name="other"/>: used by GSO to cut segments.</summary>
    public void CopyFrom(Packet other)
    {
        Array.Copy(other._layers, _layers, other._count);
        Array.Copy(other._variableSize, _variableSize, other._count);
        _count = other._count;
        _fixedBytes = other._fixedBytes;
        _variableBytes = other._variableBytes;
        _variableMask = other._variableMask;
        _dirtyMask = other._dirtyMask;
        _espMask = other._espMask;
        PayloadLength = other.PayloadLength;
        FlowId = other.FlowId;
        CreatedAt = other.CreatedAt;
        Mark = other.Mark;
        Conntrack = other.Conntrack;
        GsoSize = other.GsoSize;
        Core = other.Core;
        IngressInterface = other.IngressInterface;
        Hash = other.Hash;
        ChecksumOffloaded = other.ChecksumOffloaded;
        GroRefused = other.GroRefused;
    }

    internal void Reset()
    {
        _count = 0;
        _fixedBytes = 0;
        _variableBytes = 0;
        _variableMask = 0;
        _dirtyMask = 0;
        _espMask = 0;
        PayloadLength = 0;
        FlowId = -1;
        CreatedAt = 0;
        Mark = 0;
        Conntrack = null;
        GsoSize = 0;
        Core = 0;
        IngressInterface = 0;
        Hash = 0;
        ChecksumOffloaded = false;
        GroRefused = false;
        Trace = null;
        Owner = null;
        Truesize = 0;
        AppTag = 0;
    }

    /// <summary>skb_orphan: the owning socket's buffer gets the packet's memory back; the packet carries on.</summary>
    public void Orphan()
    {
        if (Owner is null) return;
        ISkbOwner owner = Owner;
        Owner = null;
        owner.Free(Truesize);
    }

    private ref HeaderLayer LayerOf(int index, HeaderKind kind)
    {
        if (index < 0) throw new InvalidOperationException($"packet {Id} has no {kind} header");
        return ref _layers[index];
    }

    /// <summary>A size-bearing header handed out by reference: its size is re-read at the next Length.</summary>
    private ref HeaderLayer VariableLayerOf(int index, HeaderKind kind)
    {
        if (index < 0) throw new InvalidOperationException($"packet {Id} has no {kind} header");
        _dirtyMask |= 1 << index;
        return ref _layers[index];
    }

    private void ThrowNoLayer(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), $"packet {Id} has {_count} layers, not {index + 1}");
}
