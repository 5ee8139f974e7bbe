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
        ListName = list.Name;
        Command = command;
        Seconds = seconds;
        HitCount = hitCount;
        Reap = reap;
        UseDestination = useDestination;
    }

    /// <summary>
    /// "--name N" resolved in the evaluating namespace (its list of that name, which must exist: create it with
    /// <see cref="NetfilterHooks.Recent"/> when the rule is installed), so one rule object serves every node's table.
    /// </summary>
    public RecentMatch(string listName, RecentCommand command, long seconds = 0, bool reap = false, bool useDestination = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(listName);
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        if (reap && seconds == 0) throw new ArgumentException("--reap needs --seconds", nameof(reap));
        ListName = listName;
        Command = command;
        Seconds = seconds;
        Reap = reap;
        UseDestination = useDestination;
    }

    /// <summary>The list this rule was given; null when it names one (<see cref="ListName"/>) of the evaluating namespace.</summary>
    public RecentList? List { get; }
    public string ListName { get; }
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
        RecentList list = List ?? state.Namespace.Netfilter.RecentListOf(ListName);
        switch (Command)
        {
            case RecentCommand.Set:
                list.Set(address, now);
                return true;
            case RecentCommand.Remove:
                return list.Remove(address);
            default:
                return list.Check(address, now, Seconds * SimTime.PicosPerSecond, HitCount, Command == RecentCommand.Update, Reap);
        }
    }
}
