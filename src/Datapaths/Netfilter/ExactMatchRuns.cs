using NetSim.Datapaths.Common;
using NetSim.Engine.Packets;

namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// The simulator's shortcut through long runs of rules that each match one exact (destination /32, protocol,
/// destination port) and nothing else — kube-proxy's KUBE-SERVICES, one rule per Service port. ipt_do_table
/// tests them one by one; so does the model's cost (each counts as evaluated), but the walk looks up the first
/// rule of the run that can match in a hash instead of testing the ones before it, so the wall time per packet
/// does not grow with the number of Services. Such rules have no side effects when they do not match, so the
/// verdict, the counters and the simulated cost are exactly those of the rule-by-rule walk.
/// </summary>
internal sealed class ExactMatchRuns
{
    /// <summary>Shorter runs are walked rule by rule (a hash lookup would not pay).</summary>
    private const int MinRun = 8;
    private readonly int[] _end;
    private readonly Dictionary<ulong, int>?[] _first;

    private ExactMatchRuns(int count)
    {
        _end = new int[count];
        _first = new Dictionary<ulong, int>?[count];
    }

    /// <summary>The runs of <paramref name="rules"/> at least <see cref="MinRun"/> long, each with its key → first rule index.</summary>
    public static ExactMatchRuns Build(List<IptRule> rules)
    {
        var runs = new ExactMatchRuns(rules.Count);
        int i = 0;
        while (i < rules.Count)
        {
            int j = i;
            while (j < rules.Count && IsExact(rules[j])) j++;
            if (j - i >= MinRun)
            {
                var first = new Dictionary<ulong, int>(j - i);
                for (int k = i; k < j; k++) first.TryAdd(Key(rules[k]), k);
                runs._first[i] = first;
                runs._end[i] = j;
            }
            i = Math.Max(j, i + 1);
        }
        return runs;
    }

    /// <summary>
    /// When a run starts at <paramref name="index"/>: the index of the first rule in it that can match the packet,
    /// or the index after the run when none can; else <paramref name="index"/> itself.
    /// </summary>
    public int Skip(int index, ref NfHookState s)
    {
        Dictionary<ulong, int>? first = _first[index];
        if (first is null) return index;
        Packet p = s.Packet;
        ref Ipv4Header ip = ref p.Layer(s.IpIndex).Ipv4;
        if (!PacketFields.TryGetPorts(p, s.TransportIndex, out _, out ushort port)) return _end[index]; // every rule needs a port
        return first.TryGetValue(Key(ip.Destination.Value, ip.Protocol, port), out int k) ? k : _end[index];
    }

    private static bool IsExact(IptRule r) =>
        r.Destination is { Length: 32 } && !r.DestinationInvert && r.Protocol != 0 && !r.ProtocolInvert
        && r.DestinationPort is { } dp && dp.Min == dp.Max && !r.DestinationPortInvert
        && r.Source is null && r.SourcePort is null && r.InInterface is null && r.OutInterface is null && r.Matches.Count == 0;

    private static ulong Key(IptRule r) => Key(r.Destination!.Value.Network.Value, r.Protocol, r.DestinationPort!.Value.Min);

    private static ulong Key(uint address, byte protocol, ushort port) => (ulong)address << 24 | (ulong)protocol << 16 | port;
}
