using System.Runtime.CompilerServices;

namespace NetSim.Engine.Packets;

/// <summary>One SACK block: [Left, Right) in sequence space.</summary>
public struct SackBlock
{
    public uint Left;
    public uint Right;
}

/// <summary>Room for the (at most) four SACK blocks a TCP header can carry.</summary>
[InlineArray(TcpHeader.MaxSackBlocks)]
public struct SackBlocks
{
    private SackBlock _element0;
}
