using NetSim.Datapaths.Netfilter;

namespace NetSim.Topologies.Build.Cni;

/// <summary>
/// How a CNI agent keeps its feeder rules (the jumps from the built-in chains into its own) at the top of each
/// built-in chain even after kube-proxy prepends its own: Felix re-inserts its hooks on every refresh (ChainInsertMode
/// "insert"), Cilium's agent prepends its feeders when it starts, after kube-proxy's.
/// </summary>
public static class IptablesFeeders
{
    /// <summary>The agent's chain in <paramref name="table"/>, jumped to from the top of the built-in chain at <paramref name="hook"/>.</summary>
    public static IptChain Feed(IptTable table, NfInetHook hook, string chain, string comment)
    {
        var c = table.GetOrCreateChain(chain);
        table.Builtin(hook).Insert(0, new IptRule { Target = StandardTarget.Jump(c), Comment = comment });
        return c;
    }

    public static void KeepFirst(BuiltNode node, string commentPrefix)
    {
        var nf = node.Host.Netfilter;
        foreach (var table in new[] { nf.Raw, nf.Mangle, nf.Nat, nf.Filter })
            foreach (var hook in IptTable.HooksOf(table.Kind))
            {
                var chain = table.Builtin(hook);
                var feeders = chain.Rules.Where(r => r.Comment?.StartsWith(commentPrefix, StringComparison.Ordinal) == true).ToList();
                foreach (var r in feeders) chain.Delete(r);
                for (int i = 0; i < feeders.Count; i++) chain.Insert(i, feeders[i]);
            }
    }
}
