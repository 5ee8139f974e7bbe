namespace NetSim.Datapaths.Netfilter;

/// <summary>The policy of a built-in chain: what happens to packets that reach its end.</summary>
public enum NfPolicy
{
    Accept,
    Drop,
}
