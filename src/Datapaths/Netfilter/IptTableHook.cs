namespace NetSim.Datapaths.Netfilter;

/// <summary>An iptables table registered at one hook (iptable_filter_hook, iptable_mangle_hook, ...).</summary>
internal sealed class IptTableHook(IptTable table, NfInetHook hook) : INetfilterHook
{
    public bool HasRules(NfInetHook h) => table.HasRules(hook);

    public NfVerdict Hook(ref NfHookState state) => table.Traverse(hook, ref state);

    public override string ToString() => $"{table.Name} {hook}";
}
