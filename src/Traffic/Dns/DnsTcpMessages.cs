namespace NetSim.Traffic.Dns;

/// <summary>
/// The DNS messages of one TCP connection, in the order they are written (RFC 1035 §4.2.2: each after its 2-byte
/// length): the client's queries and the server's answers, each with its length on the wire (prefix included). The
/// byte stream carries only counts, so a reader takes the next message once that many bytes have arrived, as a real
/// reader does after reading the length. Client and server may run on two threads of a split run: each call holds
/// the stream's lock (once per message, not per packet).
/// </summary>
public sealed class DnsTcpMessages
{
    private readonly Queue<(DnsMessage Message, int Bytes)> _queries = new();
    private readonly Queue<(DnsMessage Message, int Bytes)> _answers = new();
    private readonly Lock _lock = new();

    public void WriteQuery(DnsMessage query, int bytes)
    {
        lock (_lock) _queries.Enqueue((query, bytes));
    }

    public void WriteAnswer(DnsMessage answer, int bytes)
    {
        lock (_lock) _answers.Enqueue((answer, bytes));
    }

    /// <summary>The next query, when <paramref name="available"/> bytes hold all of it.</summary>
    public bool TryReadQuery(long available, out DnsMessage query, out int bytes) => TryRead(_queries, available, out query, out bytes);

    /// <summary>The next answer, when <paramref name="available"/> bytes hold all of it.</summary>
    public bool TryReadAnswer(long available, out DnsMessage answer, out int bytes) => TryRead(_answers, available, out answer, out bytes);

    private bool TryRead(Queue<(DnsMessage Message, int Bytes)> queue, long available, out DnsMessage message, out int bytes)
    {
        lock (_lock)
        {
            if (queue.TryPeek(out var head) && head.Bytes <= available)
            {
                queue.Dequeue();
                (message, bytes) = head;
                return true;
            }
        }
        message = default;
        bytes = 0;
        return false;
    }
}

/// <summary>Where a DNS client's TCP connection leaves its <see cref="DnsTcpMessages"/> for the server that accepts it.</summary>
public sealed class DnsTcpDirectory : Applications.ConnectionDirectory<DnsTcpMessages>;
