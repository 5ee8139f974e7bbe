namespace NetSim.Datapaths.Netfilter;

/// <summary>"-m mark --mark value[/mask]": (skb->mark &amp; mask) == value.</summary>
public sealed class MarkMatch : NfMatch
{
    public MarkMatch(uint value, uint mask = 0xFFFF_FFFF)
    {
        Value = value;
        Mask = mask;
    }

    public uint Value { get; }
    public uint Mask { get; }

    protected override bool Matches(ref NfHookState state) => (state.Packet.Mark & Mask) == Value;
}
