using System.Globalization;

namespace NetSim.Topologies.Cni;

/// <summary>
/// The placeholders installers fill in a conflist before writing it to /etc/cni/net.d: Calico's install-cni
/// (__KUBERNETES_NODE_NAME__, __CNI_MTU__) and containerd's CNI config template ({{.PodCIDR}}).
/// </summary>
public static class ConflistTemplate
{
    public static string Render(string text, string nodeName, int mtu, string podCidr) =>
        text.Replace("__KUBERNETES_NODE_NAME__", nodeName, StringComparison.Ordinal)
            .Replace("__CNI_MTU__", mtu.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{.PodCIDR}}", podCidr, StringComparison.Ordinal);
}
