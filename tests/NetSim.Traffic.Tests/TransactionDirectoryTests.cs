using NetSim.Engine.Addressing;
using NetSim.Traffic.Applications;

namespace NetSim.Traffic.Tests;

/// <summary>A server finds the transactions of the connection it accepted, also when a source NAT rewrote the client's address and port.</summary>
public sealed class TransactionDirectoryTests
{
    private static readonly Ipv4Address Client = Ipv4Address.Parse("172.18.0.10");
    private static readonly Ipv4Address Masqueraded = Ipv4Address.Parse("172.18.0.99");

    [Fact]
    public void The_client_address_and_port_find_its_queue_once()
    {
        var d = new TransactionDirectory();
        var q = new TransactionQueue();
        d.Publish(Client, 32768, 1234u, q);
        Assert.True(d.TryTake(Client, 32768, 1234u, out var found));
        Assert.Same(q, found);
        Assert.False(d.TryTake(Client, 32768, 1234u, out _));
    }

    [Fact]
    public void After_masquerade_with_a_random_port_the_initial_sequence_number_finds_it()
    {
        var d = new TransactionDirectory();
        var mine = new TransactionQueue();
        var other = new TransactionQueue();
        d.Publish(Client, 32768, 1234u, mine);
        d.Publish(Client, 32769, 5678u, other);
        Assert.True(d.TryTake(Masqueraded, 15901, 1234u, out var found)); // kube-proxy's MASQUERADE --random-fully
        Assert.Same(mine, found);
        Assert.False(d.TryTake(Masqueraded, 15902, 9999u, out _)); // a connection nobody published
        Assert.True(d.TryTake(Client, 32769, 5678u, out var second));
        Assert.Same(other, second);
    }
}
