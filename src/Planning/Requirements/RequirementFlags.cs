using System.Globalization;
using System.Text;
using NetSim.Engine.Diagnostics;

namespace NetSim.Planning.Requirements;

/// <summary>
/// Requirements given as command-line flags instead of a file: written as the requirements YAML and read by
/// <see cref="RequirementsReader"/>, so both forms build the same model with the same checks; an error names the flag.
/// Values are the flags' text (null: not given); lists are comma-separated.
/// </summary>
public sealed record RequirementFlags(
    string? Name, string? Workers, string? ControlPlane, string? Pods, string? Services, string? Growth, string? MaxPods,
    string? Environments, string? Management, string? Avoid, string? Cni, string? InstanceType, bool PrefixDelegation)
{
    /// <summary>What an error names when the requirements came from flags.</summary>
    public const string Source = "netsim plan";

    /// <summary>Requirements-file field → the flag that sets it.</summary>
    private static readonly (string Field, string Flag)[] Fields =
    [
        ("name", "--name"), ("nodes.workers", "--nodes"), ("nodes.control_plane", "--control-plane"), ("pods", "--pods"),
        ("services", "--services"), ("growth", "--growth"), ("max_pods", "--max-pods"), ("environments", "--environments"),
        ("management", "--management"), ("avoid", "--avoid"), ("cni.instance_type", "--instance-type"),
        ("cni.prefix_delegation", "--prefix-delegation"), ("nodes", "--nodes"), ("cni", "--cni"),
    ];

    public bool Any => new[] { Name, Workers, ControlPlane, Pods, Services, Growth, MaxPods, Environments, Management, Avoid, Cni, InstanceType }
        .Any(v => v is not null) || PrefixDelegation;

    /// <summary>The requirements, or bad input naming the flag.</summary>
    public PlanRequirements ToRequirements()
    {
        try
        {
            return RequirementsReader.Parse(Yaml(), Source);
        }
        catch (InputException e)
        {
            throw Named(e);
        }
    }

    /// <summary>A requirements error as from the flags: naming the flag, and the field too when no flag sets it alone (cni.enis → --cni).</summary>
    public static InputException Named(InputException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string flag = Flag(e.Field);
        bool own = Fields.Any(f => f.Field == e.Field || e.Field.StartsWith(f.Field + "[", StringComparison.Ordinal)) || e.Field == "cni.ipam" || e.Field == "management.hosts";
        return new InputException(Source, 0, flag, own || flag == e.Field ? e.Problem : $"{e.Field} {e.Problem}");
    }

    /// <summary>The flag for a requirements-file field ("environments[1].name" → --environments; "cni.ipam" → --cni).</summary>
    public static string Flag(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        foreach (var (f, flag) in Fields)
            if (field == f || field.StartsWith(f + ".", StringComparison.Ordinal) || field.StartsWith(f + "[", StringComparison.Ordinal)) return flag;
        return field;
    }

    /// <summary>The requirements file these flags stand for.</summary>
    public string Yaml()
    {
        var y = new StringBuilder();
        Field(y, "name", Name ?? "plan");
        y.Append("nodes:\n");
        Field(y, "  workers", Workers);
        Field(y, "  control_plane", ControlPlane);
        Field(y, "pods", Pods);
        Field(y, "services", Services);
        Field(y, "growth", Growth);
        Field(y, "max_pods", MaxPods);
        y.Append("cni:\n");
        Field(y, "  ipam", Cni);
        Field(y, "  instance_type", InstanceType);
        if (PrefixDelegation) y.Append("  prefix_delegation: true\n");
        if (Environments is not null)
            y.Append("environments:\n").AppendJoin("", List(Environments).Select(e => $"  - name: {Scalar(e)}\n"));
        if (Management is not null) y.Append("management:\n").Append(CultureInfo.InvariantCulture, $"  hosts: {Scalar(Management)}\n");
        if (Avoid is not null) y.Append("avoid: [").AppendJoin(", ", List(Avoid).Select(Scalar)).Append("]\n");
        return y.ToString();
    }

    private static void Field(StringBuilder y, string key, string? value)
    {
        if (value is not null) y.Append(CultureInfo.InvariantCulture, $"{key}: {Scalar(value)}\n");
    }

    private static string[] List(string text) => text.Split(',', StringSplitOptions.TrimEntries);

    /// <summary>Plain when it is a word, a number or a prefix; else double-quoted, so no flag value can add YAML structure.</summary>
    private static string Scalar(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '/' or '_')
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
