using System.Text;
using NetSim.Engine.Diagnostics;

namespace NetSim.Engine.Tests.Diagnostics;

/// <summary>YAML read within limits: depth, expanded size, scalar length, single-value keys, one document; parser failures located.</summary>
public sealed class YamlInputTests
{
    private static string Refusal(string yaml) => Assert.Throws<InputException>(() => YamlInput.LoadMapping(yaml, "f.yaml", "scenario")).Message;

    private static string Nested(int depth) => $"a: {new string('[', depth - 1)}1{new string(']', depth - 1)}\n";

    [Fact]
    public void Nesting_to_the_limit_loads_and_one_level_more_is_refused()
    {
        Assert.NotNull(YamlInput.LoadMapping(Nested(YamlInput.MaxDepth), "f.yaml", "scenario"));
        Assert.Equal($"f.yaml:1: nested more than {YamlInput.MaxDepth} levels deep", Refusal(Nested(YamlInput.MaxDepth + 1)));
    }

    [Fact]
    public void Aliases_count_as_what_they_stand_for()
    {
        var y = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 5; i++) y.Append(System.Globalization.CultureInfo.InvariantCulture, $"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        Assert.NotNull(YamlInput.LoadMapping(y.ToString(), "f.yaml", "scenario")); // a4 stands for 111,111 values: within the limit
        y.Append("a5: [*a4, *a4, *a4, *a4, *a4]\n"); // 5 × 111,111 more
        Assert.Contains("f.yaml:6: more than 500,000 values", Refusal(y.ToString()), StringComparison.Ordinal);
    }

    [Fact]
    public void Mapping_keys_are_single_values()
    {
        Assert.Contains("f.yaml:2: a mapping key must be a single value, not an alias of a list or mapping", Refusal("a: &l [1, 2]\n? *l\n: 1\n"), StringComparison.Ordinal);
        Assert.Contains("a mapping key must be a single value, not a list or mapping", Refusal("? [1, 2]\n: 1\n"), StringComparison.Ordinal);
        Assert.NotNull(YamlInput.LoadMapping("k: &k key\n*k : 1\n", "f.yaml", "scenario")); // an alias of a scalar is a fine key
    }

    [Fact]
    public void Long_values_second_documents_and_parser_failures_are_located()
    {
        Assert.Contains("f.yaml:1: a value of 70,000 characters", Refusal($"a: {new string('x', 70_000)}\n"), StringComparison.Ordinal);
        Assert.Contains("f.yaml:3: a second YAML document", Refusal("a: 1\n---\nb: 2\n"), StringComparison.Ordinal);
        Assert.Contains("f.yaml:2: not valid YAML", Refusal("a: 1\nb: { c: 1\nd: 2\n"), StringComparison.Ordinal);
        Assert.Contains("not valid YAML", Refusal("a: 1\na: 2\n"), StringComparison.Ordinal); // a duplicate key
        Assert.Contains("expected a mapping", Refusal("- 1\n"), StringComparison.Ordinal);
    }
}
