using NetSim.Engine.Addressing;

namespace NetSim.Traffic.Applications;

/// <summary>
/// Where a client connection publishes the transactions it will send, keyed by its own address and port, so the
/// server that accepts it can tell where requests end and how big each response is. A real protocol carries this
/// in its bytes; the simulation counts bytes without storing them, so it travels here instead (looked up once per
/// connection, never per packet). A source NAT on the way (kube-proxy's MASQUERADE --random-fully rewrites the
/// client's port) hides the client's address and port from the server, so each queue is also found by the client's
/// initial sequence number, which NAT leaves alone. Client and server are on two nodes, so in a run split across
/// threads they publish and take from two threads: each call holds the directory's lock (once per connection).
/// </summary>
public sealed class TransactionDirectory
{
    private readonly Dictionary<(uint Address, ushort Port), TransactionQueue> _queues = new();
    private readonly Dictionary<uint, (uint Address, ushort Port)> _byIss = new();
    private readonly Lock _lock = new();

    public void Publish(Ipv4Address clientAddress, ushort clientPort, uint clientIss, TransactionQueue queue)
    {
        lock (_lock)
        {
            _queues[(clientAddress.Value, clientPort)] = queue;
            _byIss[clientIss] = (clientAddress.Value, clientPort);
        }
    }

    /// <summary>The server side takes the queue of the connection it accepted: by the client's address and port as seen,
    /// else by the client's initial sequence number (the address or port was translated).</summary>
    public bool TryTake(Ipv4Address clientAddress, ushort clientPort, uint clientIss, out TransactionQueue queue)
    {
        lock (_lock) return TryTakeLocked(clientAddress, clientPort, clientIss, out queue);
    }

    private bool TryTakeLocked(Ipv4Address clientAddress, ushort clientPort, uint clientIss, out TransactionQueue queue)
    {
        var key = (clientAddress.Value, clientPort);
        if (!_queues.ContainsKey(key) && _byIss.TryGetValue(clientIss, out var published)) key = published;
        _byIss.Remove(clientIss);
        if (_queues.Remove(key, out TransactionQueue? q))
        {
            queue = q;
            return true;
        }
        queue = null!;
        return false;
    }
}
