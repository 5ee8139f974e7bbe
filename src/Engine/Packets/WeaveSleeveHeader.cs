namespace NetSim.Engine.Packets;

/// <summary>
/// Weave Net's sleeve framing (weaveworks/weave router/sleeve.go, frame_crypto.go), between the UDP header and the
/// first frame: the sending peer's 6-byte name; with NaCl a 64-bit sequence number and Poly1305's 16-byte tag; then
/// before each frame the source and destination peer names (6 + 6) and a 16-bit length. <see cref="Length"/> covers
/// all of that for every frame of the datagram and the bytes of the frames batched after the first (which ride in
/// this datagram; the first frame is the packet's inner layers).
/// </summary>
public struct WeaveSleeveHeader
{
    /// <summary>mesh.NameSize: a peer name is a 6-byte MAC-like identifier.</summary>
    public const int NameSize = 6;
    /// <summary>NonEncryptor.FrameOverhead: source and destination peer names and the frame length.</summary>
    public const int FrameOverhead = NameSize + NameSize + 2;
    /// <summary>NaClEncryptor's extra packet overhead: the sequence number (8) and secretbox.Overhead (16).</summary>
    public const int NaClOverhead = 8 + 16;

    public int Length;
    /// <summary>Frames in this datagram (1 + those batched after the first).</summary>
    public int Frames;
    /// <summary>Which batch of the sending router this is (its riders are claimed by it at the receiving router).</summary>
    public long Batch;
}
