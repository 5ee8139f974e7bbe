using System.Security.Cryptography;
using System.Text;
using NetSim.Engine.Addressing;

namespace NetSim.Topologies.LoadBalancers;

/// <summary>
/// Which node answers ARP for a load-balancer address in MetalLB's layer 2 mode (speaker/layer2_controller.go,
/// ShouldAnnounce): the candidate nodes are sorted by SHA-256 of "NODE#IP" and the first one announces; every speaker
/// computes the same order, so exactly one node owns each address. Candidates: every node with a speaker, or with
/// externalTrafficPolicy Local only those with a ready endpoint; with no ready endpoint at all nobody announces.
/// </summary>
public static class MetalLbL2Election
{
    /// <summary>The elected node's name among <paramref name="candidates"/> for <paramref name="ip"/>, or null when there is none.</summary>
    public static string? Speaker(IEnumerable<string> candidates, Ipv4Address ip)
    {
        string? best = null;
        byte[]? bestHash = null;
        foreach (string node in candidates)
        {
            byte[] h = SHA256.HashData(Encoding.UTF8.GetBytes(node + "#" + ip));
            if (bestHash is null || h.AsSpan().SequenceCompareTo(bestHash) < 0)
            {
                best = node;
                bestHash = h;
            }
        }
        return best;
    }
}
