namespace NetSim.Datapaths.Netfilter;

/// <summary>The iptables tables the model has, each registered at its hooks with its kernel priority.</summary>
public enum IptTableKind
{
    Raw,
    Mangle,
    Nat,
    Filter,
}
