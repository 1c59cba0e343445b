using ManagedImages.Jobs;

namespace ManagedImages.Core.Tests.Jobs;

public sealed class JobNamesTests
{
    [Fact]
    public void A_run_id_of_lowercase_letters_digits_and_dashes_is_kept_as_is()
    {
        Assert.Equal("mi-3f2a9c1e-run-7", JobNames.FromRunId("3f2a9c1e-run-7"));
    }

    [Theory]
    [InlineData("Run_42:retry")]
    [InlineData("ABC")]
    [InlineData("___")]
    [InlineData("a-very-long-run-id-that-goes-on-and-on-well-past-the-sixty-three-character-limit-of-labels")]
    public void A_derived_name_is_a_valid_container_and_kubernetes_name(string runId)
    {
        var name = JobNames.FromRunId(runId);

        Assert.True(JobNames.IsValidContainerName(name, out var error), error);
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name);
        Assert.InRange(name.Length, 1, JobNames.MaxLength);
        Assert.StartsWith(JobNames.Prefix, name, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_run_id_always_gives_the_same_name()
    {
        Assert.Equal(JobNames.FromRunId("Run_42:retry"), JobNames.FromRunId("Run_42:retry"));
    }

    [Theory]
    [InlineData("abc", "ABC")]
    [InlineData("a-b", "a_b")]
    [InlineData("x-shared-prefix-that-is-long-enough-to-be-cut-off-at-the-limit-1", "x-shared-prefix-that-is-long-enough-to-be-cut-off-at-the-limit-2")]
    public void Run_ids_that_sanitize_or_shorten_alike_keep_distinct_names(string one, string other)
    {
        Assert.NotEqual(JobNames.FromRunId(one), JobNames.FromRunId(other));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("-leading-dash")]
    [InlineData("has/slash")]
    [InlineData("has space")]
    public void Invalid_container_names_are_refused_with_the_rule(string name)
    {
        Assert.False(JobNames.IsValidContainerName(name, out var error));
        Assert.NotEmpty(error);
    }
}
