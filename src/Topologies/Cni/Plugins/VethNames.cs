using System.Globalization;

namespace NetSim.Topologies.Cni.Plugins;

/// <summary>
/// Host-side interface names in each plugin's style: a prefix ("veth", "cali", "lxc") and a hash of the pod
/// (namespace/name from CNI_ARGS, else the container id), cut to Linux's 15 characters.
/// </summary>
public static class VethNames
{
    public static string HostSide(string prefix, string podNamespace, string podName)
    {
        uint h = 2166136261; // FNV-1a: stable across runs and platforms, unlike string.GetHashCode
        foreach (char c in podNamespace + "/" + podName) h = (h ^ c) * 16777619;
        string name = prefix + h.ToString("x8", CultureInfo.InvariantCulture);
        return name.Length <= 15 ? name : name[..15];
    }

    /// <summary>The host-side name for the pod a request is for (K8S_POD_NAMESPACE / K8S_POD_NAME, as kubelet passes them).</summary>
    public static string HostSide(string prefix, CniArgs args) =>
        args.Arg("K8S_POD_NAME") is { } pod
            ? HostSide(prefix, args.Arg("K8S_POD_NAMESPACE") ?? "default", pod)
            : HostSide(prefix, "", args.ContainerId);
}
