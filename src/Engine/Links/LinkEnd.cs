using NetSim.Engine.Packets;

namespace NetSim.Engine.Links;

/// <summary>
/// One end of a link, where a NIC or a switch port plugs in. Frames sent from here go through
/// <see cref="Outbound"/>; frames from the other end are handed to <see cref="Endpoint"/>.
/// </summary>
public sealed class LinkEnd
{
    private LinkChannel? _outbound;

    internal LinkEnd(Link link, string name)
    {
        Link = link;
        Name = name;
    }

    public Link Link { get; }
    /// <summary>"a" or "b", or the name of what is attached once attached.</summary>
    public string Name { get; private set; }
    public LinkEnd Peer => ReferenceEquals(Link.A, this) ? Link.B : Link.A;
    /// <summary>The direction from this end to the peer, with its transmit queue and counters.</summary>
    public LinkChannel Outbound => _outbound ?? throw new InvalidOperationException("link is not built yet");
    /// <summary>What is plugged in here; null while unplugged (frames arriving then are dropped as DeviceDown).</summary>
    public ILinkEndpoint? Endpoint { get; private set; }
    /// <summary>The node (or switch) this end belongs to: its transmissions and arrivals are that node's events; 0 by default.</summary>
    public int NodeId { get; set; }
    /// <summary>
    /// Cut-through reception: when positive, frames are handed to the endpoint as soon as this many bytes after
    /// the preamble are in (the forwarding decision needs only the header). 0 = store-and-forward.
    /// </summary>
    public int CutThroughBytes { get; set; }

    /// <summary>Plugs <paramref name="endpoint"/> in; <paramref name="name"/> names the end in traces.</summary>
    public void Attach(ILinkEndpoint endpoint, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (Endpoint is not null) throw new InvalidOperationException($"{Link.Name}/{Name} is already attached");
        Endpoint = endpoint;
        if (name is not null) Name = name;
    }

    /// <summary>Sends a frame towards the peer.</summary>
    public void Transmit(Packet frame) => Outbound.Transmit(frame);

    internal void Build(LinkChannel outbound) => _outbound = outbound;

    public override string ToString() => $"{Link.Name}/{Name}";
}
