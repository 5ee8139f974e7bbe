namespace NetSim.Datapaths.Netfilter;

/// <summary>
/// An iptables match extension ("-m conntrack", "-m statistic", ...). <see cref="Invert"/> is the "!" before it.
/// Matching must not allocate: it runs for every packet that reaches the rule.
/// </summary>
public abstract class NfMatch
{
    /// <summary>"!": the rule matches when this extension does not.</summary>
    public bool Invert { get; init; }

    /// <summary>True when the rule needs connection tracking (loading it registers conntrack in the namespace).</summary>
    public virtual bool RequiresConntrack => false;

    internal bool Test(ref NfHookState state) => Matches(ref state) != Invert;

    protected abstract bool Matches(ref NfHookState state);
}
