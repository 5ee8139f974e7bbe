namespace NetSim.Traffic.Dns;

/// <summary>
/// The names a run's DNS messages carry, numbered once when the run is built, so a question travels as a number
/// and no string is touched per query.
/// </summary>
public sealed class DnsNameTable
{
    private readonly List<string> _names = [""];
    private readonly Dictionary<string, int> _ids = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The number of <paramref name="name"/> (lower-cased, no trailing dot), added when new.</summary>
    public int Id(string name)
    {
        string key = Canonical(name);
        if (_ids.TryGetValue(key, out int id)) return id;
        id = _names.Count;
        if (id > 0x1F_FFFF) throw new InvalidOperationException("more DNS names than a message tag can number");
        _names.Add(key);
        _ids.Add(key, id);
        return id;
    }

    public bool TryGet(string name, out int id) => _ids.TryGetValue(Canonical(name), out id);

    public string Name(int id) => _names[id];

    public static string Canonical(string name) => name.TrimEnd('.').ToLowerInvariant();
}
