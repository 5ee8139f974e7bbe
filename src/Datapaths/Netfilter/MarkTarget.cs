namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// "-j MARK --set-xmark value/mask": mark = (mark AND NOT mask) XOR value. --set-mark, --or-mark, --and-mark and
/// --xor-mark are shorthands for it (kube-proxy: KUBE-MARK-MASQ is --or-mark 0x4000).
/// </summary>
public sealed class MarkTarget : NfTarget
{
    private MarkTarget(uint value, uint mask)
    {
        Value = value;
        Mask = mask;
    }

    public static MarkTarget SetXMark(uint value, uint mask) => new(value, mask);
    /// <summary>--set-mark value[/mask]: the masked bits become value.</summary>
    public static MarkTarget Set(uint value, uint mask = 0xFFFF_FFFF) => new(value, mask);
    public static MarkTarget Or(uint bits) => new(bits, bits);
    public static MarkTarget And(uint bits) => new(0, ~bits);
    public static MarkTarget Xor(uint bits) => new(bits, 0);

    public uint Value { get; }
    public uint Mask { get; }

    public override NfTargetResult Execute(ref NfHookState state)
    {
        state.Packet.Mark = (state.Packet.Mark & ~Mask) ^ Value;
        return NfTargetResult.Continue;
    }

    public override string ToString() => $"MARK xset 0x{Value:x}/0x{Mask:x}";
}
