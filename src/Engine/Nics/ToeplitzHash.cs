using NetSim.Engine.Packets;

namespace NetSim.Engine.Nics;

/// <summary>
/// The Toeplitz hash of Receive Side Scaling (Microsoft RSS specification), as NICs compute it over the outer
/// IPv4 source, destination and (for TCP/UDP) ports. For each set input bit, the 32-bit window of the key starting
/// at that bit is XORed into the result; precomputed per input byte position, so a hash is 12 table lookups.
/// </summary>
public sealed class ToeplitzHash
{
    /// <summary>Input bytes covered: IPv4 source 4 + destination 4 + ports 4.</summary>
    public const int MaxInputBytes = 12;

    /// <summary>The default key of the RSS specification (also what many drivers ship).</summary>
    public static ToeplitzHash Default { get; } = new(
    [
        0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
        0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
        0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
    ]);

    private readonly uint[] _table = new uint[MaxInputBytes * 256];

    public ToeplitzHash(ReadOnlySpan<byte> key)
    {
        if (key.Length < MaxInputBytes + 4) throw new ArgumentException($"a Toeplitz key needs at least {MaxInputBytes + 4} bytes", nameof(key));
        for (int pos = 0; pos < MaxInputBytes; pos++)
            for (int value = 0; value < 256; value++)
            {
                uint h = 0;
                for (int bit = 0; bit < 8; bit++)
                    if ((value & (0x80 >> bit)) != 0) h ^= Window(key, pos * 8 + bit);
                _table[pos * 256 + value] = h;
            }
    }

    /// <summary>The hash of up to <see cref="MaxInputBytes"/> input bytes.</summary>
    public uint Compute(ReadOnlySpan<byte> input)
    {
        if (input.Length > MaxInputBytes) throw new ArgumentException($"at most {MaxInputBytes} bytes", nameof(input));
        uint h = 0;
        for (int i = 0; i < input.Length; i++) h ^= _table[i * 256 + input[i]];
        return h;
    }

    /// <summary>The RSS hash of a flow: 4-tuple for TCP and UDP, addresses only for other protocols.</summary>
    public uint Compute(in FlowTuple flow)
    {
        uint h = Word(0, flow.Source.Value) ^ Word(4, flow.Destination.Value);
        if (flow.Protocol is Ipv4Header.ProtocolTcp or Ipv4Header.ProtocolUdp)
            h ^= Word(8, ((uint)flow.SourcePort << 16) | flow.DestinationPort);
        return h;
    }

    /// <summary>Hash contribution of a big-endian 32-bit word at input byte <paramref name="pos"/>.</summary>
    private uint Word(int pos, uint value) =>
        _table[pos * 256 + (int)(value >> 24)] ^ _table[(pos + 1) * 256 + (int)((value >> 16) & 0xFF)] ^
        _table[(pos + 2) * 256 + (int)((value >> 8) & 0xFF)] ^ _table[(pos + 3) * 256 + (int)(value & 0xFF)];

    /// <summary>The 32 key bits starting at bit <paramref name="bit"/> (bit 0 = the most significant bit of key[0]).</summary>
    private static uint Window(ReadOnlySpan<byte> key, int bit)
    {
        int b = bit >> 3;
        ulong v = 0;
        for (int i = 0; i < 5; i++) v = (v << 8) | (b + i < key.Length ? key[b + i] : 0u);
        return (uint)(v >> (8 - (bit & 7)));
    }
}
