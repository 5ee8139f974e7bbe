namespace NetSim.Topologies.Policy;

/// <summary>A policy object of any of the kinds NetSim reads (networking/v1, Calico, Cilium): what names it.</summary>
public interface IPolicyObject
{
    /// <summary>The kind, Calico's prefixed to tell it from networking/v1 ("NetworkPolicy", "Calico NetworkPolicy", "Calico GlobalNetworkPolicy", "CiliumNetworkPolicy", ...).</summary>
    string Kind { get; }

    /// <summary>The namespace; "" for a cluster-wide kind.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Kubernetes' own field name (metadata.namespace)")]
    string Namespace { get; }

    string Name { get; }

    /// <summary>The same object under another name (a scenario item's "count" copies).</summary>
    IPolicyObject Renamed(string name);

    /// <summary>The same object with only <paramref name="d"/>'s rules and isolation (the other direction left open): what an ingress-only or egress-only reachability table measures.</summary>
    IPolicyObject Only(PolicyDirection d);
}
