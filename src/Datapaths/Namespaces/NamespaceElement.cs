using NetSim.Datapaths.Common;

namespace NetSim.Datapaths.Namespaces;

/// <summary>A fixed element of one namespace's IPv4 path (ip_rcv, ip_forward, ...).</summary>
public abstract class NamespaceElement : DatapathElement
{
    private readonly NetworkNamespace _ns;

    protected NamespaceElement(NetworkNamespace ns, string name) : base(ns.Node, ns.Name + "/" + name) => _ns = ns;

    public override NetworkNamespace Namespace => _ns;
}
