namespace NetSim.Datapaths.Netfilter;

/// <summary>How the chain walk treats a rule's target.</summary>
public enum NfTargetKind
{
    /// <summary>A target extension: <see cref="NfTarget.Execute"/> decides (MARK continues, DNAT accepts, REJECT rejects).</summary>
    Extension,
    Accept,
    Drop,
    Return,
    Jump,
    Goto,
}

/// <summary>What a target extension tells the chain walk.</summary>
public enum NfTargetResult
{
    /// <summary>XT_CONTINUE: go on with the next rule (MARK, NOTRACK).</summary>
    Continue,
    Accept,
    Drop,
    Reject,
}

/// <summary>An iptables target ("-j ..."): a standard verdict, a jump, or an extension that acts on the packet.</summary>
public abstract class NfTarget
{
    public virtual NfTargetKind Kind => NfTargetKind.Extension;
    /// <summary>The chain of a jump/goto.</summary>
    public virtual IptChain? Chain => null;
    /// <summary>The reason a packet this extension drops is counted under (a policy's drop rule says so).</summary>
    public virtual Engine.Packets.DropReason DropReason => Engine.Packets.DropReason.NetfilterDrop;

    /// <summary>True for targets that need conntrack (the NAT targets).</summary>
    public virtual bool RequiresConntrack => false;

    /// <summary>Runs the extension on the matched packet (not called for standard verdicts and jumps).</summary>
    public virtual NfTargetResult Execute(ref NfHookState state) => NfTargetResult.Continue;
}
