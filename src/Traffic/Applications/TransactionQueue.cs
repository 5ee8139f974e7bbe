namespace NetSim.Traffic.Applications;

/// <summary>
/// A FIFO of transactions (a growable ring of structs: no allocation per transaction in steady state). The client
/// enqueues and the server dequeues, on two nodes, so in a run split across threads on two threads at once: each
/// operation holds the queue's lock (per transaction, not per packet; uncontended on one thread).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue of transactions.")]
public sealed class TransactionQueue
{
    private Transaction[] _items = new Transaction[8];
    private readonly Lock _lock = new();
    private int _head;
    private int _count;

    public int Count
    {
        get
        {
            lock (_lock) return _count;
        }
    }

    /// <summary>The oldest transaction (a copy: the ring may grow under another thread's enqueue).</summary>
    public Transaction Peek()
    {
        lock (_lock) return PeekLocked();
    }

    private Transaction PeekLocked()
    {
        if (_count == 0) throw new InvalidOperationException("no transaction queued");
        return _items[_head];
    }

    public void Enqueue(in Transaction t)
    {
        lock (_lock) EnqueueLocked(in t);
    }

    private void EnqueueLocked(in Transaction t)
    {
        int Count = _count;
        if (Count == _items.Length)
        {
            var bigger = new Transaction[_items.Length * 2];
            for (int i = 0; i < Count; i++) bigger[i] = _items[(_head + i) % _items.Length];
            _items = bigger;
            _head = 0;
        }
        _items[(_head + Count) % _items.Length] = t;
        _count++;
    }

    public Transaction Dequeue()
    {
        lock (_lock)
        {
            Transaction t = PeekLocked();
            _items[_head] = default;
            _head = (_head + 1) % _items.Length;
            _count--;
            return t;
        }
    }
}
