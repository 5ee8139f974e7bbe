namespace NetSim.Engine.Links;

/// <summary>Growing the parallel arrays of a ring buffer: each is copied in queue order into one twice its size.</summary>
internal static class RingArrays
{
    /// <summary>Replaces <paramref name="ring"/> by an array of <paramref name="size"/> holding its <paramref name="count"/> entries from <paramref name="head"/> at index 0.</summary>
    public static void Unwrap<T>(ref T[] ring, int head, int count, int size)
    {
        var grown = new T[size];
        int first = Math.Min(count, ring.Length - head);
        Array.Copy(ring, head, grown, 0, first);
        Array.Copy(ring, 0, grown, first, count - first);
        ring = grown;
    }
}
