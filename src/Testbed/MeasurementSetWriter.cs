using System.Globalization;
using System.Text;
using NetSim.Experiments.Calibration;

namespace NetSim.Testbed;

/// <summary>
/// Writes the testbed's measurements in calibrate's CSV format (scenarios/reference/README.md, "published.csv"): one
/// row per figure, the generated scenarios named relative to the file, every row with the same tolerance, fit=yes
/// for the rows the local profile is fitted to, and as source the command and every repetition's value.
/// </summary>
public static class MeasurementSetWriter
{
    /// <summary>The prediction error the testbed holds its fitted profile to (issue 12: within 20 %).</summary>
    public const double TolerancePercent = 20;

    public static string Write(IReadOnlyList<TestbedMeasurement> rows, TestbedMachine machine)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(",", ReferenceMeasurements.Columns)).Append('\n');
        sb.Append("# Measured by netsim testbed on ").Append(machine.Description).Append('\n');
        foreach (var m in rows)
        {
            string[] fields =
            [
                m.Id, m.Setup, m.Scenario, m.Datapath, string.Join(";", m.Sets), m.Metric,
                m.Value.ToString("0.####", CultureInfo.InvariantCulture), m.Unit, TolerancePercent.ToString(CultureInfo.InvariantCulture),
                m.Fit ? "yes" : "no", $"measured: {m.Command} (median of {m.Runs.Count}, one per round: {m.RunsText}; spread {m.Spread.Text})",
            ];
            sb.Append(string.Join(",", fields.Select(Quote))).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>A CSV field, quoted when it holds a comma, a quote or a line break (a quote inside is doubled).</summary>
    public static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
