using NetSim.Engine.Core;

namespace NetSim.Datapaths.Netfilter;

/// <summary>What a "-m recent" rule does with its list.</summary>
public enum RecentCommand
{
    /// <summary>--set: add/refresh the address; always matches.</summary>
    Set,
    /// <summary>--rcheck: match when the address is listed (within --seconds / --hitcount).</summary>
    Check,
    /// <summary>--update: like --rcheck, and refresh the address when it matched.</summary>
    Update,
    /// <summary>--remove: match when listed, and remove it.</summary>
    Remove,
}

/// <summary>
/// "-m recent --name N (--set|--rcheck|--update|--remove) [--seconds S] [--hitcount H] [--reap] [--rsource|--rdest]":
/// kube-proxy's sessionAffinity: ClientIP uses --rcheck --seconds 10800 --reap in KUBE-SVC and --set on the
/// KUBE-SEP DNAT rule.
/// </summary>
public sealed class RecentMatch : NfMatch
{
    public RecentMatch(RecentList list, RecentCommand command, long seconds = 0, int hitCount = 0, bool reap = false, bool useDestination = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        if (hitCount < 0 || hitCount > list.StampsPerEntry)
            throw new ArgumentOutOfRangeException(nameof(hitCount), hitCount, $"--hitcount cannot exceed ip_pkt_list_tot ({list.StampsPerEntry})");
        if (reap && seconds == 0) throw new ArgumentException("--reap needs --seconds", nameof(reap));
        List = list;
        Command = command;
        Seconds = seconds;
        HitCount = hitCount;
        Reap = reap;
        UseDestination = useDestination;
    }

    public RecentList List { get; }
    public RecentCommand Command { get; }
    public long Seconds { get; }
    public int HitCount { get; }
    public bool Reap { get; }
    /// <summary>--rdest: key on the destination address instead of the source (--rsource).</summary>
    public bool UseDestination { get; }

    protected override bool Matches(ref NfHookState state)
    {
        ref var ip = ref state.Packet.Layer(state.IpIndex).Ipv4;
        var address = UseDestination ? ip.Destination : ip.Source;
        long now = state.Namespace.Node.Sim.NowPicoseconds;
        switch (Command)
        {
            case RecentCommand.Set:
                List.Set(address, now);
                return true;
            case RecentCommand.Remove:
                return List.Remove(address);
            default:
                return List.Check(address, now, Seconds * SimTime.PicosPerSecond, HitCount, Command == RecentCommand.Update, Reap);
        }
    }
}
