using NetSim.Engine.Diagnostics;
using NetSim.Planning.Requirements;

namespace NetSim.Planning.Tests;

/// <summary>
/// Seeded mutations of the exercise-2 requirements (hostile values, lost, doubled and unknown lines, cut text):
/// each is planned or refused as bad input naming its file, never another exception, and a plan never overlaps.
/// </summary>
public sealed class RequirementsFuzzTests
{
    private static readonly string[] Hostile =
        ["0", "-1", "2147483648", "99999999999999999999", "NaN", "1e400", "[]", "{}", "abc", "~", "\"\"", "10.0.0.0/33", "0.0.0.0/0",
         "[1, 2]", "{ a: 1 }", "true", "100.64.0.0/10", "10.0.0.0/8", "&a x", "*a", "!!binary AAAA", "'", "\t"];

    [Fact]
    public void Mutated_requirements_are_planned_or_refused_with_file_and_line()
    {
        string original = File.ReadAllText(Repo.ExerciseTwo);
        var random = new Random(13);
        int planned = 0, refused = 0;
        for (int i = 0; i < 600; i++)
        {
            string text = Mutate(original, random);
            string file = $"fuzz{i}.yaml";
            try
            {
                var plan = AddressPlanner.Plan(RequirementsReader.Parse(text, file));
                Assert.Empty(plan.Conflicts());
                planned++;
            }
            catch (InputException e)
            {
                Assert.StartsWith(file, e.Message, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', e.Message);
                refused++;
            }
        }
        Assert.True(planned > 0 && refused > 0, $"{planned} planned, {refused} refused");
    }

    private static string Mutate(string text, Random rnd)
    {
        var lines = text.Split('\n').ToList();
        int at = rnd.Next(lines.Count);
        switch (rnd.Next(6))
        {
            case 0:
                int colon = lines[at].IndexOf(": ", StringComparison.Ordinal);
                if (colon > 0) lines[at] = lines[at][..(colon + 2)] + Hostile[rnd.Next(Hostile.Length)];
                break;
            case 1: lines.RemoveAt(at); break;
            case 2: lines.Insert(at, lines[at]); break;
            case 3: lines.Insert(at, "surprise: 1"); break;
            case 4: return text[..rnd.Next(text.Length)];
            default:
                // A number made huge or tiny where one stands.
                lines[at] = System.Text.RegularExpressions.Regex.Replace(lines[at], @"\b\d+\b", rnd.Next(2) == 0 ? "1000000" : "1");
                break;
        }
        return string.Join('\n', lines);
    }
}
