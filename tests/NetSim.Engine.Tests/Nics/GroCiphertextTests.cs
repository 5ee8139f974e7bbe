using NetSim.Engine.Nics;
using NetSim.Engine.Packets;
using NetSim.Engine.Tests.Packets;

namespace NetSim.Engine.Tests.Nics;

/// <summary>GRO merges on TCP headers it can read: inside a UDP tunnel yes, inside WireGuard's or ESP's ciphertext no.</summary>
public class GroCiphertextTests
{
    private readonly PacketPool _pool = new();

    [Fact]
    public void Plain_and_VXLAN_encapsulated_TCP_data_are_GRO_candidates()
    {
        Assert.True(GroTable.IsCandidate(TestPackets.TcpData(_pool, 1448)));
        Packet vxlan = TestPackets.TcpData(_pool, 1398);
        TestPackets.EncapVxlan(vxlan);
        Assert.True(GroTable.IsCandidate(vxlan));
    }

    [Fact]
    public void TCP_inside_WireGuard_or_ESP_is_not_a_candidate_until_it_is_decrypted()
    {
        Packet wg = TestPackets.TcpData(_pool, 1388);
        TestPackets.EncapWireGuard(wg);
        Assert.False(GroTable.IsCandidate(wg));
        Packet esp = TestPackets.TcpData(_pool, 1388);
        TestPackets.EncapEsp(esp);
        Assert.False(GroTable.IsCandidate(esp));
    }

    [Fact]
    public void Two_encrypted_segments_of_one_flow_are_handed_up_unmerged()
    {
        var gro = new GroTable();
        var napi = new RecordingNapi();
        for (uint i = 0; i < 2; i++)
        {
            Packet p = TestPackets.TcpData(_pool, 1388);
            p.Layer(0).Tcp.Flags = TcpFlags.Ack;
            p.Layer(0).Tcp.SequenceNumber += i * 1388;
            TestPackets.EncapWireGuard(p);
            gro.Receive(p, 0, 65535, napi);
        }
        Assert.Equal(2, napi.Up.Count);
        Assert.Equal(0, napi.Merges);
        Assert.Equal(0, gro.Count);
    }

    private sealed class RecordingNapi : IGroNapi
    {
        public List<Packet> Up { get; } = new();
        public int Merges { get; private set; }

        public long ChargeMerge(Packet segment)
        {
            Merges++;
            return 0;
        }

        void IGroNapi.Up(Packet packet, long atPs) => Up.Add(packet);
    }
}
