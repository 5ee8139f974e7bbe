using System.Buffers.Binary;
using System.Numerics;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Pcap;

/// <summary>
/// A capture file in the classic libpcap format with nanosecond timestamps (magic 0xa1b23c4d, written
/// little-endian), readable by tcpdump, tshark and Wireshark. Timestamps are simulation time (ps truncated to ns)
/// since the epoch 0. Each captured packet is serialized into one reused buffer, so capturing allocates nothing
/// in steady state; the file is bounded by <see cref="PcapOptions.MaxFileBytes"/>. The link type is fixed per file:
/// an Ethernet capture fabricates a header (zero MACs) for packets taken above L2, a raw-IP capture strips the
/// outer Ethernet (see <see cref="PcapOptions.LinkType"/>). Wireshark decodes VXLAN on UDP 4789 only; for Linux's
/// 8472 (flannel, Calico) open the file with <c>-d udp.port==8472,vxlan</c>.
/// </summary>
public sealed class PcapWriter : IPacketTap, IDisposable
{
    /// <summary>Nanosecond-resolution pcap magic number.</summary>
    public const uint MagicNanoseconds = 0xA1B23C4D;
    public const int GlobalHeaderSize = 24;
    public const int RecordHeaderSize = 16;
    private const ushort VersionMajor = 2, VersionMinor = 4;
    private const int FabricatedEthernetSize = EthernetHeader.Size;
    private const long PicosecondsPerNanosecond = 1000, NanosecondsPerSecond = 1_000_000_000;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly PcapOptions _options;
    private byte[] _buffer = new byte[RecordHeaderSize + FabricatedEthernetSize + 2048];
    private bool _capped;
    private bool _disposed;

    /// <summary>Creates (or truncates) the file at <paramref name="path"/> and writes the global header.</summary>
    public PcapWriter(string path, PcapOptions? options = null)
        : this(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16), options, leaveOpen: false)
    {
    }

    /// <summary>Writes to <paramref name="stream"/>, starting with the global header.</summary>
    public PcapWriter(Stream stream, PcapOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _options = options ?? new PcapOptions();
        if (_options.SnapLength <= 0) throw new ArgumentOutOfRangeException(nameof(options), _options.SnapLength, "snap length must be positive");
        if (_options.MaxFileBytes < GlobalHeaderSize)
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxFileBytes, $"the size cap must leave room for the {GlobalHeaderSize}-byte file header");
        _stream = stream;
        _ownsStream = !leaveOpen;
        WriteGlobalHeader();
    }

    public PcapLinkType LinkType => _options.LinkType;
    public int SnapLength => _options.SnapLength;
    /// <summary>Bytes written to the file so far, global header included.</summary>
    public long BytesWritten { get; private set; }
    public long PacketsWritten { get; private set; }
    /// <summary>Packets not written because the size cap was reached.</summary>
    public long PacketsSkipped { get; private set; }
    /// <summary>Original (wire) bytes of the skipped packets.</summary>
    public long BytesSkipped { get; private set; }
    /// <summary>True once the size cap stopped the capture.</summary>
    public bool Capped => _capped;

    /// <summary>Records <paramref name="packet"/> as seen at <paramref name="timePs"/>; the packet is not changed.</summary>
    public void Capture(Packet packet, long timePs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentOutOfRangeException.ThrowIfNegative(timePs);
        if (_options.Filter is { } filter && !filter(packet)) return;

        int top = packet.LayerCount - 1;
        int prefix = 0;
        if (_options.LinkType == PcapLinkType.RawIp)
        {
            while (top >= 0 && packet.Layer(top).Kind == HeaderKind.Ethernet) top--;
        }
        else if (packet.TopKind != HeaderKind.Ethernet)
        {
            prefix = FabricatedEthernetSize;
        }

        int wireLength = prefix + packet.LengthFrom(top);
        int captured = Math.Min(wireLength, _options.SnapLength);
        long recordBytes = RecordHeaderSize + captured;
        if (_capped || BytesWritten + recordBytes > _options.MaxFileBytes)
        {
            _capped = true;
            PacketsSkipped++;
            BytesSkipped += wireLength;
            return;
        }

        Span<byte> buffer = BufferFor(RecordHeaderSize + wireLength);
        Span<byte> frame = buffer[RecordHeaderSize..];
        PacketSerializer.WriteFrom(packet, top, frame[prefix..]);
        if (prefix != 0) WriteFabricatedEthernet(frame, top >= 0 ? packet.Layer(top).Kind : HeaderKind.None);
        WriteRecordHeader(buffer, timePs, captured, wireLength);
        _stream.Write(buffer[..(int)recordBytes]);
        BytesWritten += recordBytes;
        PacketsWritten++;
    }

    /// <summary>Pushes buffered records to the underlying stream.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _stream.Flush();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stream.Flush();
        if (_ownsStream) _stream.Dispose();
    }

    private void WriteGlobalHeader()
    {
        Span<byte> h = stackalloc byte[GlobalHeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(h, MagicNanoseconds);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], VersionMajor);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], VersionMinor);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], 0); // thiszone: timestamps are UTC-like simulation time
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], 0); // sigfigs
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)_options.SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], (uint)_options.LinkType);
        _stream.Write(h);
        BytesWritten = GlobalHeaderSize;
    }

    private static void WriteRecordHeader(Span<byte> h, long timePs, int captured, int wireLength)
    {
        long ns = timePs / PicosecondsPerNanosecond;
        BinaryPrimitives.WriteUInt32LittleEndian(h, (uint)(ns / NanosecondsPerSecond));
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(ns % NanosecondsPerSecond));
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], (uint)captured);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], (uint)wireLength);
    }

    /// <summary>An Ethernet header for a packet captured above L2: zero MACs, EtherType of the top header.</summary>
    private static void WriteFabricatedEthernet(Span<byte> frame, HeaderKind top)
    {
        frame[..12].Clear();
        ushort etherType = ProtocolNumbers.EtherTypeOf(top);
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], etherType != 0 ? etherType : EthernetHeader.EtherTypeIpv4);
    }

    /// <summary>The reused buffer, grown (rarely: only for a larger packet than any before) to fit.</summary>
    private Span<byte> BufferFor(int bytes)
    {
        if (_buffer.Length < bytes) _buffer = new byte[(int)BitOperations.RoundUpToPowerOf2((uint)bytes)];
        return _buffer;
    }
}
