using NetSim.Engine.Switching;

namespace NetSim.Engine.Tests.Links;

/// <summary>
/// An ECMP group losing and regaining a next hop, against the closed form of each hashing: modulo (hash mod the live
/// count over the live members in order) moves flows of survivors too; resilient (a fixed table of buckets) moves
/// exactly the flows whose bucket held the lost next hop, and only them, and gives them back when it returns.
/// </summary>
public class EcmpGroupTests
{
    private static readonly int[] Four = [10, 11, 12, 13];

    private static uint[] Hashes(int n)
    {
        var h = new uint[n];
        ulong x = 0x9E3779B97F4A7C15UL;
        for (int i = 0; i < n; i++)
        {
            x = x * 6364136223846793005UL + 1442695040888963407UL; // a deterministic spread of 32-bit hashes
            h[i] = (uint)(x >> 32);
        }
        return h;
    }

    [Fact]
    public void Resilient_hashing_moves_exactly_the_flows_of_the_lost_next_hop_and_gives_them_back()
    {
        var g = new EcmpGroup(Four, EcmpHashing.Resilient, 128);
        uint[] flows = Hashes(10_000);
        int[] before = flows.Select(h => g.Pick(h)).ToArray();
        // 128 buckets over 4 next hops round robin: bucket b holds member b mod 4, so the steady state is modulo's.
        Assert.Equal(flows.Select(h => Four[(int)(h % 4)]), before);

        Assert.True(g.Suspend(12));
        int[] after = flows.Select(h => g.Pick(h)).ToArray();
        for (int i = 0; i < flows.Length; i++)
        {
            if (before[i] == 12) Assert.NotEqual(12, after[i]);
            else Assert.Equal(before[i], after[i]); // a flow on a survivor keeps its path
        }
        // The lost next hop's 32 buckets spread over the 3 survivors as evenly as they go: 43, 43, 42.
        var buckets = Enumerable.Range(0, 128).Select(b => g.Pick((uint)b)).GroupBy(p => p).Select(x => x.Count()).Order().ToArray();
        Assert.Equal([42, 43, 43], buckets);

        Assert.True(g.Resume(12));
        Assert.Equal(before, flows.Select(h => g.Pick(h)));
    }

    [Fact]
    public void Modulo_hashing_rehashes_every_flow_over_the_next_hops_left()
    {
        var g = new EcmpGroup(Four, EcmpHashing.Modulo, 128);
        uint[] flows = Hashes(10_000);
        int[] before = flows.Select(h => g.Pick(h)).ToArray();
        Assert.True(g.Suspend(12));
        int[] survivors = [10, 11, 13];
        int moved = 0, movedFromSurvivors = 0;
        for (int i = 0; i < flows.Length; i++)
        {
            int expected = survivors[(int)(flows[i] % 3)];
            Assert.Equal(expected, g.Pick(flows[i]));
            if (expected != before[i]) moved++;
            if (expected != before[i] && before[i] != 12) movedFromSurvivors++;
        }
        // h mod 4 and h mod 3 repeat every 12: a flow keeps its next hop only for the residues mod 12 where both agree.
        int keep = Enumerable.Range(0, 12).Count(r => survivors[r % 3] == Four[r % 4]);
        Assert.InRange(moved / (double)flows.Length, 1 - keep / 12.0 - 0.02, 1 - keep / 12.0 + 0.02);
        Assert.True(movedFromSurvivors > flows.Length / 4, $"{movedFromSurvivors} flows on surviving next hops moved");
        Assert.True(g.Resume(12));
        Assert.Equal(before, flows.Select(h => g.Pick(h)));
    }

    [Fact]
    public void A_next_hop_leaves_once_per_reason_and_returns_when_every_reason_is_gone()
    {
        var g = new EcmpGroup([1, 2], EcmpHashing.Resilient, 64);
        Assert.True(g.Suspend(1));   // its port went dark
        Assert.False(g.Suspend(1));  // and a BGP withdrawal came for it: already out
        Assert.Equal(1, g.LiveCount);
        Assert.All(Hashes(100), h => Assert.Equal(2, g.Pick(h)));
        Assert.False(g.Resume(1));   // the withdrawal is undone, the port still dark
        Assert.True(g.Resume(1));
        Assert.True(g.IsLive(1));
        Assert.True(g.Suspend(1));
        Assert.True(g.Suspend(2));
        Assert.True(g.IsEmpty);
        Assert.Equal(-1, g.Pick(7));
        Assert.True(g.Resume(2));    // buckets whose own next hop is still out go to the one that is back
        Assert.All(Hashes(100), h => Assert.Equal(2, g.Pick(h)));
    }
}
