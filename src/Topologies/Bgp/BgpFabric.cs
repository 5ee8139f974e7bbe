using NetSim.Engine.Core;

namespace NetSim.Topologies.Bgp;

/// <summary>
/// The BGP sessions among the nodes: Calico's default full iBGP mesh (n(n-1)/2 sessions), or route reflectors
/// (every node peers with each reflector; reflectors mesh among themselves). Reports convergence.
/// </summary>
public sealed class BgpFabric
{
    /// <summary>Calico's default AS number (BGPConfiguration asNumber, reference §6).</summary>
    public const int DefaultAsNumber = 64512;

    private readonly List<BgpSpeaker> _speakers;

    private BgpFabric(List<BgpSpeaker> speakers, int sessions)
    {
        _speakers = speakers;
        Sessions = sessions;
    }

    public IReadOnlyList<BgpSpeaker> Speakers => _speakers;
    /// <summary>Number of BGP sessions (each counted once).</summary>
    public int Sessions { get; }

    public static BgpFabric FullMesh(IReadOnlyList<BgpSpeaker> speakers, SimTime sessionDelay)
    {
        int sessions = 0;
        for (int i = 0; i < speakers.Count; i++)
            for (int j = i + 1; j < speakers.Count; j++)
            {
                speakers[i].AddSession(speakers[j], sessionDelay, peerIsClient: false);
                speakers[j].AddSession(speakers[i], sessionDelay, peerIsClient: false);
                sessions++;
            }
        return new BgpFabric(speakers.ToList(), sessions);
    }

    public static BgpFabric WithRouteReflectors(IReadOnlyList<BgpSpeaker> speakers, SimTime sessionDelay)
    {
        var reflectors = speakers.Where(s => s.IsRouteReflector).ToList();
        if (reflectors.Count == 0) throw new ArgumentException("no speaker is a route reflector", nameof(speakers));
        int sessions = 0;
        foreach (var rr in reflectors)
            foreach (var s in speakers)
            {
                if (s == rr || (s.IsRouteReflector && string.CompareOrdinal(s.Name, rr.Name) < 0)) continue;
                rr.AddSession(s, sessionDelay, peerIsClient: !s.IsRouteReflector);
                s.AddSession(rr, sessionDelay, peerIsClient: false);
                sessions++;
            }
        return new BgpFabric(speakers.ToList(), sessions);
    }

    /// <summary>When the last speaker last changed its table: the convergence time of what was announced.</summary>
    public SimTime ConvergedAt => _speakers.Max(s => s.LastChange);
}
