namespace NetSim.Traffic.Applications;

/// <summary>A FIFO of transactions (a growable ring of structs: no allocation per transaction in steady state).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue of transactions.")]
public sealed class TransactionQueue
{
    private Transaction[] _items = new Transaction[8];
    private int _head;

    public int Count { get; private set; }

    public ref readonly Transaction Peek()
    {
        if (Count == 0) throw new InvalidOperationException("no transaction queued");
        return ref _items[_head];
    }

    public void Enqueue(in Transaction t)
    {
        if (Count == _items.Length)
        {
            var bigger = new Transaction[_items.Length * 2];
            for (int i = 0; i < Count; i++) bigger[i] = _items[(_head + i) % _items.Length];
            _items = bigger;
            _head = 0;
        }
        _items[(_head + Count) % _items.Length] = t;
        Count++;
    }

    public Transaction Dequeue()
    {
        Transaction t = Peek();
        _items[_head] = default;
        _head = (_head + 1) % _items.Length;
        Count--;
        return t;
    }
}
