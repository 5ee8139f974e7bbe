namespace NetSim.Datapaths.Netfilter;

/// <summary>What happened at one hook of a namespace: packets that passed through it and rules they were tested against.</summary>
public sealed class NfHookCounters
{
    public long Packets { get; internal set; }
    /// <summary>Packets that found at least one rule at the hook (and paid <c>netfilter.hook</c>).</summary>
    public long PacketsWithRules { get; internal set; }
    public long RulesEvaluated { get; internal set; }
    /// <summary>Of those, rules nf_tables evaluated (a subset of <see cref="RulesEvaluated"/>).</summary>
    public long NftRulesEvaluated { get; internal set; }
    /// <summary>Rules tested after their walk outgrew the core's L2 (a subset of <see cref="RulesEvaluated"/>).</summary>
    public long RulesBeyondL2 { get; internal set; }
    public long Dropped { get; internal set; }
}
