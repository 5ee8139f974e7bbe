using NetSim.Engine.Packets;

namespace NetSim.Engine.Tests.Packets;

public class SkbOwnershipTests
{
    [Theory]
    [InlineData(1500, 2048 + 576)]  // a 1472-byte UDP datagram: kmalloc-2048
    [InlineData(100, 256 + 576)]
    [InlineData(9000, 16384 + 576)]
    public void Truesize_is_the_power_of_two_data_area_plus_the_skb_structures(int bytes, int expected) =>
        Assert.Equal(expected, SkbTruesize.For(bytes));

    [Fact]
    public void The_default_udp_send_buffer_holds_81_full_datagrams() =>
        Assert.Equal(81, 212_992 / SkbTruesize.For(1500));

    [Fact]
    public void Orphaning_returns_the_memory_once_and_a_returned_packet_is_orphaned()
    {
        var pool = new PacketPool();
        var owner = new Owner();
        Packet a = pool.Rent();
        a.Owner = owner;
        a.Truesize = 1000;
        a.Orphan();
        a.Orphan();
        Assert.Equal(1000, owner.Freed);
        Packet b = pool.Rent();
        b.Owner = owner;
        b.Truesize = 500;
        pool.Drop(b, DropReason.QueueFull);
        Assert.Equal(1500, owner.Freed);
        pool.Deliver(a);
        Assert.Equal(1500, owner.Freed);
    }

    private sealed class Owner : ISkbOwner
    {
        public long Freed;
        public void Free(int truesize) => Freed += truesize;
    }
}
