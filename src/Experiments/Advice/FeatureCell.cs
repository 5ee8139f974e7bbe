namespace NetSim.Experiments.Advice;

/// <summary>One cell of the feature matrix: a datapath's value for a feature, what it means, and where the CNI's docs say so.</summary>
public sealed record FeatureCell(string Datapath, string Feature, string Value, string Note, string Source)
{
    /// <summary>How a reason cites the cell: "policy=none (docs/cni-features.csv: Flannel is networking only ...)".</summary>
    public string Citation => $"{Feature}={Value} [{Source.Split(" ; ")[0]}]";
}
