using NetSim.Engine.Addressing;

namespace NetSim.Topologies.Policy;

/// <summary>
/// A Calico rule's source or destination (EntityRule): nets / notNets (CIDRs), selector / notSelector over endpoint
/// labels, namespaceSelector, serviceAccounts (names and/or a selector over the account's labels; NetSim's service
/// accounts have no labels beyond their name), ports / notPorts (inclusive ranges). Every given part must hold (AND).
/// In a namespaced policy, selector and serviceAccounts pick endpoints of the policy's namespace unless a
/// namespaceSelector is given.
/// </summary>
public sealed record CalicoEntityRule(
    IReadOnlyList<Ipv4Prefix> Nets,
    IReadOnlyList<Ipv4Prefix> NotNets,
    CalicoSelector? Selector,
    CalicoSelector? NotSelector,
    CalicoSelector? NamespaceSelector,
    IReadOnlyList<string> ServiceAccountNames,
    CalicoSelector? ServiceAccountSelector,
    IReadOnlyList<PortEntry> Ports,
    IReadOnlyList<PortEntry> NotPorts)
{
    public static CalicoEntityRule Any { get; } = new([], [], null, null, null, [], null, [], []);

    /// <summary>Whether the rule names endpoints (so it matches only pod addresses, through an ipset).</summary>
    public bool SelectsEndpoints => Selector is not null || NamespaceSelector is not null || ServiceAccountNames.Count > 0 || ServiceAccountSelector is not null;
}
