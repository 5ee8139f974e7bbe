using NetSim.Datapaths.Devices;

namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// -m physdev (xt_physdev): for a frame the bridge hands to iptables (br_netfilter), the bridge port it came in on
/// (--physdev-in) or goes out of (--physdev-out), and --physdev-is-bridged (the frame is bridged, not routed).
/// A routed packet matches none of these.
/// </summary>
public sealed class PhysdevMatch : NfMatch
{
    public string? In { get; init; }
    public string? Out { get; init; }
    public bool IsBridged { get; init; }

    protected override bool Matches(ref NfHookState state)
    {
        if (IsBridged && state.PhysOut is null) return false;
        if (In is not null && !Named(state.PhysIn, In)) return false;
        return Out is null || Named(state.PhysOut, Out);
    }

    private static bool Named(NetDevice? device, string name) => device is not null && string.Equals(device.Name, name, StringComparison.Ordinal);

    public override string ToString() => $"{(Invert ? "! " : "")}physdev{(IsBridged ? " --physdev-is-bridged" : "")}{(In is null ? "" : $" --physdev-in {In}")}{(Out is null ? "" : $" --physdev-out {Out}")}";
}
