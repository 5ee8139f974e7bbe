using NetSim.Datapaths.Conntrack;

namespace NetSim.Datapaths.Netfilter;

/// <summary>"-m conntrack --ctstate NEW,ESTABLISHED,RELATED,INVALID,UNTRACKED,SNAT,DNAT".</summary>
public sealed class ConntrackStateMatch : NfMatch
{
    public ConntrackStateMatch(CtState states) => States = states;

    public CtState States { get; }
    public override bool RequiresConntrack => true;

    protected override bool Matches(ref NfHookState state) => (StateOf(state.Packet.Conntrack) & States) != 0;

    /// <summary>The conntrack match's state bits for a packet's conntrack attachment.</summary>
    public static CtState StateOf(object? packetConntrack)
    {
        if (packetConntrack is not ConntrackRef r) return CtState.Invalid;
        CtState s = r.Info switch
        {
            ConntrackInfo.New => CtState.New,
            ConntrackInfo.Established or ConntrackInfo.EstablishedReply => CtState.Established,
            ConntrackInfo.Related or ConntrackInfo.RelatedReply => CtState.Related,
            ConntrackInfo.Untracked => CtState.Untracked,
            _ => CtState.Invalid,
        };
        if (r.Entry is { } e)
        {
            if ((e.Status & ConntrackStatus.SourceNat) != 0) s |= CtState.Snat;
            if ((e.Status & ConntrackStatus.DestinationNat) != 0) s |= CtState.Dnat;
        }
        return s;
    }
}
