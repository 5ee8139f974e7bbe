using NetSim.Engine.Addressing;

namespace NetSim.Traffic.Applications;

/// <summary>
/// Where a client connection publishes the transactions it will send, keyed by its own address and port, so the
/// server that accepts it can tell where requests end and how big each response is. A real protocol carries this
/// in its bytes; the simulation counts bytes without storing them, so it travels here instead (looked up once per
/// connection, never per packet).
/// </summary>
public sealed class TransactionDirectory
{
    private readonly Dictionary<(uint Address, ushort Port), TransactionQueue> _queues = new();

    public void Publish(Ipv4Address clientAddress, ushort clientPort, TransactionQueue queue) =>
        _queues[(clientAddress.Value, clientPort)] = queue;

    /// <summary>The server side takes the queue of the connection it accepted.</summary>
    public bool TryTake(Ipv4Address clientAddress, ushort clientPort, out TransactionQueue queue)
    {
        if (_queues.Remove((clientAddress.Value, clientPort), out TransactionQueue? q))
        {
            queue = q;
            return true;
        }
        queue = null!;
        return false;
    }
}
