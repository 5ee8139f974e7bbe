using NetSim.Topologies.Policy;
using NetSim.Topologies.Scenarios;

namespace NetSim.Topologies.Tests.Policy;

/// <summary>
/// policy-matrix's ingress-only and egress-only tables: measured through a cluster built with each policy cut down to
/// one direction. For the upstream case C2 (x isolated both ways, nothing allowed) the ingress table is C1's (nothing
/// into x), the egress table its mirror (nothing out of x), and the combined table C2's.
/// </summary>
public sealed class DirectionTablesTests
{
    [Theory]
    [InlineData(DatapathNames.CalicoBgp)]
    [InlineData(DatapathNames.CiliumEbpf)]
    [InlineData(DatapathNames.FlannelVxlan + NinePod.Canal)]
    public void C2_splits_into_an_ingress_and_an_egress_table(string datapath)
    {
        var s = NinePod.Load(datapath, NinePod.Policy("x", "p", TruthTableTests.Reference["C2"].Spec));
        var r = PolicyMatrix.Run(s, Build.ClusterSimulationTests.Profile(), [new PolicyProbe(80, "TCP")], perDirection: true);
        NinePod.AssertSame(NinePod.Table(TruthTableTests.Reference["C2"].Table), r.Tables[0].Table, datapath);
        var ingress = r.DirectionTables.Single(t => t.Direction == PolicyDirection.Ingress).Table;
        var egress = r.DirectionTables.Single(t => t.Direction == PolicyDirection.Egress).Table;
        NinePod.AssertSame(NinePod.Table(TruthTableTests.Reference["C1"].Table), ingress, datapath + " ingress");
        for (int from = 0; from < 9; from++)
            for (int to = 0; to < 9; to++)
                if (from != to) Assert.Equal(from < 3 ? 'X' : '.', egress.Cells[from, to]);
    }

    [Fact]
    public void Without_the_option_there_are_no_direction_tables()
    {
        var s = NinePod.Load(DatapathNames.CalicoBgp, NinePod.Policy("x", "p", TruthTableTests.Reference["C1"].Spec));
        Assert.Empty(PolicyMatrix.Run(s, Build.ClusterSimulationTests.Profile(), [new PolicyProbe(80, "TCP")]).DirectionTables);
    }
}
