using ManagedImages.Jobs;
using ManagedImages.Registrations;

namespace ManagedImages.Core.Tests.Jobs;

public sealed class JobResourcesValidatorTests
{
    [Fact]
    public void Requests_within_their_limits_in_any_quantity_form_are_accepted()
    {
        var errors = Validate(
            requests: new() { ["cpu"] = "250m", ["memory"] = "256Mi" },
            limits: new() { ["cpu"] = "1.5", ["memory"] = "1G" });

        Assert.Empty(errors);
    }

    [Fact]
    public void No_resources_at_all_or_empty_ones_are_accepted()
    {
        var errors = new List<ValidationError>();
        JobResourcesValidator.Validate("resources", null, errors);

        Assert.Empty(errors);
        Assert.Empty(Validate(requests: [], limits: []));
    }

    [Theory]
    [InlineData("requests", "cpu", "lots")]
    [InlineData("limits", "memory", "256 Mi")]
    [InlineData("limits", "memory", "")]
    [InlineData("requests", "memory", "1KiB")]
    [InlineData("limits", "cpu", "1\n")]
    public void A_value_that_is_not_a_Kubernetes_quantity_is_refused_naming_its_field_and_an_example(string kind, string name, string value)
    {
        var errors = kind == "requests" ? Validate(requests: new() { [name] = value }) : Validate(limits: new() { [name] = value });

        var error = Assert.Single(errors);
        Assert.Equal($"resources.{kind}.{name}", error.Field);
        Assert.Contains("is not a Kubernetes quantity; give one like", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_resource_other_than_cpu_and_memory_is_refused_saying_what_is_accepted()
    {
        var error = Assert.Single(Validate(limits: new() { ["nvidia.com/gpu"] = "1" }));

        Assert.Equal("resources.limits.nvidia.com/gpu", error.Field);
        Assert.Contains("give \"cpu\" (cores", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"memory\" (bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_above_its_limit_is_refused_on_the_request_naming_the_limit()
    {
        var error = Assert.Single(Validate(requests: new() { ["memory"] = "1Gi" }, limits: new() { ["memory"] = "512Mi" }));

        Assert.Equal("resources.requests.memory", error.Field);
        Assert.Contains("'1Gi' is more than the limit '512Mi'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("limits", "memory", "4Mi", "6Mi")]
    [InlineData("limits", "cpu", "5m", "10m")]
    [InlineData("requests", "cpu", "0", "1m")]
    [InlineData("requests", "memory", "-1Gi", "6Mi")]
    public void An_amount_too_small_to_start_a_container_is_refused_with_the_least_accepted(string kind, string name, string value, string least)
    {
        var errors = kind == "requests" ? Validate(requests: new() { [name] = value }) : Validate(limits: new() { [name] = value });

        var error = Assert.Single(errors);
        Assert.Equal($"resources.{kind}.{name}", error.Field);
        Assert.Contains($"give at least {least}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cpu_amount_beyond_64_bits_of_nano_CPUs_is_refused_as_too_large()
    {
        var error = Assert.Single(Validate(limits: new() { ["cpu"] = "1e12" }));

        Assert.Equal("resources.limits.cpu", error.Field);
        Assert.Contains("is too large", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_requests_object_is_refused_saying_what_to_give()
    {
        var errors = new List<ValidationError>();
        JobResourcesValidator.Validate("resources", new JobResources { Requests = null! }, errors);

        var error = Assert.Single(errors);
        Assert.Equal("resources.requests", error.Field);
    }

    private static List<ValidationError> Validate(Dictionary<string, string>? requests = null, Dictionary<string, string>? limits = null)
    {
        var errors = new List<ValidationError>();
        JobResourcesValidator.Validate("resources", new JobResources { Requests = requests ?? [], Limits = limits ?? [] }, errors);
        return errors;
    }
}
