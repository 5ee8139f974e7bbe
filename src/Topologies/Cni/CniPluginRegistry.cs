namespace NetSim.Topologies.Cni;

/// <summary>The plugins available on a node, by type (what CNI_PATH holds on a real node).</summary>
public sealed class CniPluginRegistry
{
    private readonly Dictionary<string, ICniPlugin> _plugins = new(StringComparer.Ordinal);

    public CniPluginRegistry Add(ICniPlugin plugin)
    {
        _plugins[plugin.Type] = plugin;
        return this;
    }

    public ICniPlugin Find(string type) =>
        _plugins.TryGetValue(type, out var p)
            ? p
            : throw new CniException(CniException.PluginNotAvailable, $"failed to find plugin \"{type}\" in path [/opt/cni/bin]");

    public IEnumerable<string> Types => _plugins.Keys.Order(StringComparer.Ordinal);
}
