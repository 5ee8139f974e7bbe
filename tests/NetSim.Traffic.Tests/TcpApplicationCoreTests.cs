using NetSim.Engine.Core;
using NetSim.Traffic.Tests.Harness;
using NetSim.Traffic.Transport.Tcp;

namespace NetSim.Traffic.Tests;

/// <summary>
/// Where a connection's application runs once its receive core is known. On a tuned host (wake-affine off) it stays
/// on its own core unless the connection's packets are received there, when it moves to another core (the
/// scheduler's select_idle_sibling). By default (wake-affine) the softirq that receives its data wakes it onto that
/// core, unless another thread already runs there.
/// </summary>
public class TcpApplicationCoreTests
{
    private const ushort Port = 5001;

    private static TwoHosts Tuned(int cores)
    {
        var net = new TwoHosts(new LinkSpec { CoresPerHost = cores });
        net.NodeA.Cpu.Scheduler.WakeAffine = false;
        net.NodeB.Cpu.Scheduler.WakeAffine = false;
        return net;
    }

    private static (TcpSocket Client, TcpSocket Server) Connect(TwoHosts net, int clientCore, int serverCore)
    {
        var server = new RecordingHandler();
        net.TcpB.Listen(Port, server, null, serverCore);
        TcpSocket client = net.TcpA.Connect(TwoHosts.AddressB, Port, new RecordingHandler(), out _, null, clientCore)!;
        net.RunFor(SimTime.FromMilliseconds(1));
        Assert.Equal(TcpState.Established, client.State);
        return (client, Assert.Single(server.Accepted));
    }

    [Theory]
    [InlineData(2, 1, 0, 0)] // both applications sit on their connection's receive core: each moves to idle core 0
    [InlineData(3, 3, 2, 1)] // the connection is received elsewhere: both stay
    public void An_application_moves_off_its_connections_receive_core_only(int rxCoreA, int rxCoreB, int clientCore, int serverCore)
    {
        var net = Tuned(4);
        net.A.RxCore = rxCoreA;
        net.B.RxCore = rxCoreB;
        var (client, server) = Connect(net, clientCore: 2, serverCore: 1);
        Assert.Equal(clientCore, client.Core);
        Assert.Equal(serverCore, server.Core);
    }

    [Fact]
    public void A_busy_core_is_skipped_and_a_single_core_is_shared()
    {
        var net = Tuned(4);
        net.B.RxCore = 0;
        net.NodeB.Cpu[1].Execute(0, SimTime.FromMilliseconds(5).Picoseconds, out _); // core 1 busy through the handshake
        var (_, server) = Connect(net, clientCore: 0, serverCore: 0);
        Assert.Equal(2, server.Core);

        var single = Tuned(1);
        single.B.RxCore = 0;
        var (_, alone) = Connect(single, clientCore: 0, serverCore: 0);
        Assert.Equal(0, alone.Core);
    }

    [Theory]
    [InlineData(2, 1, 2, 1)] // wake-affine: each application is woken onto its connection's receive core
    [InlineData(3, 3, 3, 3)]
    public void By_default_an_application_runs_on_its_connections_receive_core(int rxCoreA, int rxCoreB, int clientCore, int serverCore)
    {
        var net = new TwoHosts(new LinkSpec { CoresPerHost = 4 });
        net.A.RxCore = rxCoreA;
        net.B.RxCore = rxCoreB;
        var (client, server) = Connect(net, clientCore: 0, serverCore: 0);
        Assert.Equal(clientCore, client.Core);
        Assert.Equal(serverCore, server.Core);
    }
}
