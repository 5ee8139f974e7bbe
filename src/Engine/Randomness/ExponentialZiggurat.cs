using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetSim.Engine.Randomness;

/// <summary>
/// Standard exponential variates (mean 1) by Marsaglia and Tsang's ziggurat method ("The Ziggurat Method for
/// Generating Random Variables", J. Stat. Softw. 5(8), 2000), with 256 layers of equal area under e^−x.
/// <para>
/// One 64-bit draw picks a layer (low 8 bits) and a uniform position in it (high 53 bits); 97.8 % of draws land
/// in the part of a layer that lies wholly under the curve and are returned after one multiply and one compare,
/// with no logarithm. The rest fall in a wedge (accepted against e^−x with a second uniform, so 98.9 % of all
/// candidates are kept) or, in the base layer, beyond r, where the memoryless tail is r plus a fresh draw.
/// Rejection keeps it exact: the output is Exp(1) up to the 2^−53 resolution of the uniforms. Deterministic,
/// allocation-free, driven only by the <see cref="RandomStream"/>'s bits.
/// </para>
/// </summary>
public static class ExponentialZiggurat
{
    /// <summary>Number of layers; a power of two so the layer index is a mask of the random bits.</summary>
    internal const int LayerCount = 256;

    /// <summary>r: where the base layer's rectangle ends and the tail begins, for 256 layers (Marsaglia and Tsang).</summary>
    internal const double TailStart = 7.69711747013104972;

    /// <summary>The area of every layer: the base rectangle r·e^−r plus the tail's ∫ e^−x dx beyond r.</summary>
    internal static readonly double LayerArea = (TailStart + 1) * Math.Exp(-TailStart);

    private const double UnitScale = 1.0 / (1UL << 53); // a 53-bit integer times this is a uniform in [0, 1)

    // Built at type initialisation, in this order (each from the edges above it).

    /// <summary>
    /// Layer edges x_0..x_256, decreasing: layer i ≥ 1 is the rectangle [0, x_i] × [e^−x_i, e^−x_(i+1)]. The base
    /// layer (heights [0, e^−r] plus the tail beyond r) gets the virtual width x_0 = area / e^−r = r + 1, so that
    /// a position past x_1 = r in it stands for the tail; x_256 = 0.
    /// </summary>
    private static readonly double[] s_edges = BuildEdges();

    /// <summary>The curve at each edge, e^−x_i: the layers' lower and upper heights.</summary>
    private static readonly double[] s_heights = Array.ConvertAll(s_edges, x => Math.Exp(-x));

    private static readonly Layer[] s_layers = BuildLayers(s_edges);

    /// <summary>One draw from Exp(1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sample(RandomStream rng)
    {
        ulong bits = rng.NextUInt64();
        int layer = (int)(bits & (LayerCount - 1));
        ref readonly Layer l = ref LayerAt(layer);
        double x = (long)(bits >> 11) * l.Scale; // via long: one instruction, and the value fits in 53 bits
        return x < l.Inner ? x : SampleOutsideCore(rng, layer, x);
    }

    /// <summary>The layer edges x_0..x_256 (for tests of the table).</summary>
    internal static ReadOnlySpan<double> Edges => s_edges;

    /// <summary>
    /// A candidate that missed its layer's core: finish it (tail or wedge test), and draw again after a rejection.
    /// Out of line so the common path stays small enough to inline.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double SampleOutsideCore(RandomStream rng, int layer, double x)
    {
        double offset = 0;
        while (true)
        {
            if (layer == 0) offset += TailStart; // beyond r: X − r given X > r is again Exp(1), so draw it afresh
            else if (InsideWedge(rng, layer, x)) return offset + x;

            ulong bits = rng.NextUInt64();
            layer = (int)(bits & (LayerCount - 1));
            ref readonly Layer l = ref LayerAt(layer);
            x = (long)(bits >> 11) * l.Scale;
            if (x < l.Inner) return offset + x;
        }
    }

    /// <summary>
    /// Whether a uniform height in layer <paramref name="layer"/>'s band [e^−x_i, e^−x_(i+1)] at
    /// <paramref name="x"/> lies under the curve.
    /// </summary>
    private static bool InsideWedge(RandomStream rng, int layer, double x)
    {
        double low = s_heights[layer], high = s_heights[layer + 1];
        double y = low + ((long)(rng.NextUInt64() >> 11) * UnitScale * (high - low));
        return y < Math.Exp(-x);
    }

    /// <summary>The layer at an index already masked to 0..255 (no bounds check needed, so none is made).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref readonly Layer LayerAt(int layer) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(s_layers), layer);

    /// <summary>
    /// The edges from the closed form: every layer has area v, so x_(i+1) = −ln(v / x_i + e^−x_i) from x_1 = r
    /// down to the top layer, which ends at 0.
    /// </summary>
    private static double[] BuildEdges()
    {
        var edges = new double[LayerCount + 1];
        edges[0] = LayerArea / Math.Exp(-TailStart);
        edges[1] = TailStart;
        for (int i = 1; i < LayerCount - 1; i++) edges[i + 1] = -Math.Log((LayerArea / edges[i]) + Math.Exp(-edges[i]));
        edges[LayerCount] = 0;
        return edges;
    }

    private static Layer[] BuildLayers(double[] edges)
    {
        var layers = new Layer[LayerCount];
        for (int i = 0; i < LayerCount; i++) layers[i] = new Layer(edges[i] * UnitScale, edges[i + 1]);
        return layers;
    }

    /// <summary>What the fast path needs of one layer, side by side in 16 bytes (one cache-line load).</summary>
    private readonly struct Layer(double scale, double inner)
    {
        /// <summary>x_i / 2^53: turns the 53-bit integer straight into a position in [0, x_i).</summary>
        public readonly double Scale = scale;

        /// <summary>x_(i+1): positions below it lie under the curve at any height in the layer.</summary>
        public readonly double Inner = inner;
    }
}
