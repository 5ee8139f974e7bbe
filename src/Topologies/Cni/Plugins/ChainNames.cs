using System.Globalization;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// Per-container iptables chain names in the style of the plugins library (utils.MustFormatChainNameWithPrefix):
/// a prefix and a hash of network name and container id, short enough for iptables' 28-character limit.
/// </summary>
public static class ChainNames
{
    public static string For(string prefix, CniRequest request)
    {
        ulong h = 14695981039346656037; // FNV-1a 64: stable across runs, unlike string.GetHashCode
        foreach (char c in request.NetworkName + request.Args.ContainerId) h = (h ^ c) * 1099511628211;
        return prefix + h.ToString("x16", CultureInfo.InvariantCulture)[..12];
    }
}
