namespace Board.Tests.Collector;

public sealed class ConfmapExpanderTests
{
    private static object? Value(string yaml, Dictionary<string, string> environment) =>
        ((Dictionary<string, object?>)ConfmapExpander.Expand(yaml, environment)!)["v"];

    [Fact]
    public void A_whole_scalar_reference_is_parsed_as_yaml()
    {
        var value = Value("v: ${env:LIST}", new() { ["LIST"] = "[a, b/c]" });
        Assert.Equal(new List<object?> { "a", "b/c" }, value);
    }

    [Fact]
    public void The_default_applies_only_when_the_variable_is_unset()
    {
        Assert.Equal(new List<object?> { "x" }, Value("v: ${env:LIST:-[x]}", []));
        Assert.Equal("", Value("v: ${env:EMPTY:-fallback}", new() { ["EMPTY"] = "" }));
        Assert.Equal("", Value("v: ${env:UNSET:-}", []));
        Assert.Null(Value("v: ${env:UNSET}", []));
    }

    [Fact]
    public void Embedded_references_are_text_and_dollar_dollar_is_a_dollar()
    {
        Assert.Equal("https://logs.eu-west-1.amazonaws.com/$x",
            Value("v: https://logs.${env:R}.amazonaws.com/$$x", new() { ["R"] = "eu-west-1" }));
        Assert.Equal("a-b", Value("v: ${A}-${env:B:-b}", new() { ["A"] = "a" }));
    }

    [Fact]
    public void A_list_cannot_be_embedded_in_a_string()
    {
        Assert.Throws<InvalidOperationException>(() => Value("v: x${env:LIST}", new() { ["LIST"] = "[a]" }));
    }

    [Fact]
    public void Quoted_placeholders_without_references_stay_strings()
    {
        Assert.Equal("{TaskId}", Value("v: \"{TaskId}\"", []));
    }
}
