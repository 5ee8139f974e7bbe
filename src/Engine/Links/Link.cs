using NetSim.Engine.Core;
using NetSim.Engine.Packets;

namespace NetSim.Engine.Links;

/// <summary>
/// A full-duplex point-to-point Ethernet link (a cable) between two attachment points <see cref="A"/> and
/// <see cref="B"/>. Each direction has its own transmit queue, wire and counters. Frames waiting in the queues
/// are held here, so they must be counted once by the conservation check: a NIC registers the channel it
/// transmits on in its node's holders and a switch lists its ports' channels; register the link itself only
/// when nothing attached to it does.
/// </summary>
public sealed class Link : IPacketHolder
{
    /// <param name="loss">
    /// The seeded random stream that draws frame losses (shared by both directions, drawn in event order);
    /// required when <see cref="LinkSpec.LossProbability"/> is positive.
    /// </param>
    public Link(Simulator sim, PacketPool pool, LinkSpec spec, string name = "link", System.Random? loss = null)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (spec.LossProbability > 0 && loss is null)
            throw new ArgumentException($"link {name} has loss probability {spec.LossProbability} but no random stream", nameof(loss));
        Spec = spec;
        Name = name;
        A = new LinkEnd(this, "a");
        B = new LinkEnd(this, "b");
        A.Build(new LinkChannel(sim, pool, spec, loss, A, B));
        B.Build(new LinkChannel(sim, pool, spec, loss, B, A));
    }

    public LinkSpec Spec { get; }
    public string Name { get; }
    public LinkEnd A { get; }
    public LinkEnd B { get; }
    public int HeldPackets => A.Outbound.HeldPackets + B.Outbound.HeldPackets;
    public bool Bounded => A.Outbound.Bounded && B.Outbound.Bounded;

    /// <summary>Both directions lose carrier (a pulled cable, a port or a node gone), frames counted under <paramref name="reason"/>.</summary>
    public void LoseCarrier(DropReason reason)
    {
        A.Outbound.LoseCarrier(reason);
        B.Outbound.LoseCarrier(reason);
    }

    /// <summary>Both directions have carrier again.</summary>
    public void RestoreCarrier()
    {
        A.Outbound.RestoreCarrier();
        B.Outbound.RestoreCarrier();
    }

    public override string ToString() => Name;
}
