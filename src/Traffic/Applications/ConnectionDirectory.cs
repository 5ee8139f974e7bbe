using NetSim.Engine.Addressing;

namespace NetSim.Traffic.Applications;

/// <summary>
/// Where a client connection publishes what travels beside its byte stream (<typeparamref name="T"/>), keyed by its
/// own address and port, so the server that accepts it can find it. A source NAT on the way (kube-proxy's MASQUERADE
/// --random-fully rewrites the client's port) hides the client's address and port from the server, so each entry is
/// also found by the client's initial sequence number, which NAT leaves alone. Client and server are on two nodes, so
/// in a run split across threads they publish and take from two threads: each call holds the directory's lock (once
/// per connection).
/// </summary>
public class ConnectionDirectory<T> where T : class
{
    private readonly Dictionary<(uint Address, ushort Port), T> _entries = new();
    private readonly Dictionary<uint, (uint Address, ushort Port)> _byIss = new();
    private readonly Lock _lock = new();

    public void Publish(Ipv4Address clientAddress, ushort clientPort, uint clientIss, T entry)
    {
        lock (_lock)
        {
            _entries[(clientAddress.Value, clientPort)] = entry;
            _byIss[clientIss] = (clientAddress.Value, clientPort);
        }
    }

    /// <summary>The server side takes the entry of the connection it accepted: by the client's address and port as seen,
    /// else by the client's initial sequence number (the address or port was translated).</summary>
    public bool TryTake(Ipv4Address clientAddress, ushort clientPort, uint clientIss, out T entry)
    {
        lock (_lock)
        {
            var key = (clientAddress.Value, clientPort);
            if (!_entries.ContainsKey(key) && _byIss.TryGetValue(clientIss, out var published)) key = published;
            _byIss.Remove(clientIss);
            if (_entries.Remove(key, out T? e))
            {
                entry = e;
                return true;
            }
            entry = null!;
            return false;
        }
    }
}
