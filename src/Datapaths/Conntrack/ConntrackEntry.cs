namespace NetSim.Datapaths.Conntrack;

/// <summary>
/// struct nf_conn: one tracked connection, with its original and reply tuples (the reply tuple carries the NAT
/// binding: after DNAT its source is the new destination), status bits, TCP state and expiry time.
/// </summary>
public sealed class ConntrackEntry
{
    private ConntrackRef? _relatedOriginal;
    private ConntrackRef? _relatedReply;

    internal ConntrackEntry(ConntrackTuple original, long now)
    {
        Original = original;
        Reply = original.Invert();
        CreatedAt = now;
        OriginalRef = new ConntrackRef(this, ConntrackDirection.Original, related: false);
        ReplyRef = new ConntrackRef(this, ConntrackDirection.Reply, related: false);
    }

    public ConntrackTuple Original { get; }
    /// <summary>The tuple replies carry; rewritten by NAT setup before the entry is confirmed.</summary>
    public ConntrackTuple Reply { get; internal set; }
    public ConntrackStatus Status { get; internal set; }
    public TcpConntrackState TcpState { get; internal set; }
    public long CreatedAt { get; }
    /// <summary>When the entry expires (ps) unless a packet refreshes it.</summary>
    public long ExpiresAt { get; internal set; }
    /// <summary>The connection mark (ct mark / CONNMARK).</summary>
    public uint Mark { get; set; }
    public long PacketsOriginal { get; internal set; }
    public long PacketsReply { get; internal set; }

    public bool IsConfirmed => (Status & ConntrackStatus.Confirmed) != 0;
    public bool IsAssured => (Status & ConntrackStatus.Assured) != 0;
    public bool SeenReply => (Status & ConntrackStatus.SeenReply) != 0;

    internal ConntrackRef OriginalRef { get; }
    internal ConntrackRef ReplyRef { get; }
    internal ConntrackRef RefFor(ConntrackDirection d) => d == ConntrackDirection.Original ? OriginalRef : ReplyRef;

    internal ConntrackRef RelatedRef(ConntrackDirection d) => d == ConntrackDirection.Original
        ? _relatedOriginal ??= new ConntrackRef(this, d, related: true)
        : _relatedReply ??= new ConntrackRef(this, d, related: true);

    /// <summary>When a replied UDP flow becomes a stream (ASSURED, longer timeout).</summary>
    internal long UdpStreamAt { get; set; }
    /// <summary>The direction whose FIN started the close (for the simplified FIN/ACK tracking).</summary>
    internal ConntrackDirection FinDirection { get; set; }

    /// <summary>True once the NAT decision of this manip type was made (a binding or a null binding).</summary>
    public bool NatInitialized(NatManipType manip) =>
        (Status & (manip == NatManipType.Source ? ConntrackStatus.SourceNatDone : ConntrackStatus.DestinationNatDone)) != 0;

    // Age-ordered list links (insertion order) for deterministic early drop and garbage collection.
    internal ConntrackEntry? Older { get; set; }
    internal ConntrackEntry? Newer { get; set; }

    public override string ToString() => $"{Original} | reply {Reply} [{Status}] {TcpState}";
}
