namespace NetSim.Datapaths.Netfilter;

/// <summary>The standard targets: ACCEPT, DROP, RETURN, and jumps/gotos to user-defined chains.</summary>
public sealed class StandardTarget : NfTarget
{
    private readonly NfTargetKind _kind;
    private readonly IptChain? _chain;

    private StandardTarget(NfTargetKind kind, IptChain? chain)
    {
        _kind = kind;
        _chain = chain;
    }

    public static StandardTarget Accept { get; } = new(NfTargetKind.Accept, null);
    public static StandardTarget Drop { get; } = new(NfTargetKind.Drop, null);
    /// <summary>RETURN: back to the calling chain (in a built-in chain: its policy).</summary>
    public static StandardTarget Return { get; } = new(NfTargetKind.Return, null);

    /// <summary>"-j CHAIN": evaluate the chain, then come back to the next rule.</summary>
    public static StandardTarget Jump(IptChain chain) => new(NfTargetKind.Jump, Check(chain));

    /// <summary>"-g CHAIN": evaluate the chain; its end returns to the chain that jumped to this one.</summary>
    public static StandardTarget Goto(IptChain chain) => new(NfTargetKind.Goto, Check(chain));

    public override NfTargetKind Kind => _kind;
    public override IptChain? Chain => _chain;

    private static IptChain Check(IptChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.IsBuiltin) throw new ArgumentException($"cannot jump to built-in chain {chain.Name}", nameof(chain));
        return chain;
    }

    public override string ToString() => _chain is null ? _kind.ToString().ToUpperInvariant() : $"{_kind} {_chain.Name}";
}
