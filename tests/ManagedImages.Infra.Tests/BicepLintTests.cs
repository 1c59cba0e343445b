namespace ManagedImages.Infra.Tests;

/// <summary>The templates compile and lint with no diagnostic at all (bicepconfig.json raises the rules to errors), offline.</summary>
[Collection(SharedCompilation.Name)]
public sealed class BicepLintTests(CompiledTemplate compiled)
{
    [Fact]
    public async Task Main_and_every_module_lint_without_a_diagnostic()
    {
        var files = Directory.GetFiles(BicepCli.TemplatesDirectory, "*.bicep", SearchOption.AllDirectories);

        var result = await BicepCli.RunAsync("lint", "--pattern", "**/*.bicep");

        Assert.True(files.Length >= 7, $"main.bicep and its modules: found {files.Length}");
        Assert.True(result.ExitCode == 0 && result.Output.Length == 0 && result.Error.Length == 0, result.ToString());
    }

    [Fact]
    public void Main_builds_with_no_network_and_no_diagnostic()
    {
        var result = compiled.Build;

        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, result.ToString());
        Assert.Contains("\"$schema\"", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_template_with_a_warning_fails_the_lint()
    {
        // The check above is only worth something if a diagnostic makes it fail: an unused parameter must.
        var dir = Directory.CreateTempSubdirectory("bicep-lint-");
        try
        {
            File.Copy(BicepCli.Template("bicepconfig.json"), Path.Combine(dir.FullName, "bicepconfig.json"));
            var file = Path.Combine(dir.FullName, "unused.bicep");
            await File.WriteAllTextAsync(file, "param unused string\n");

            var result = await BicepCli.RunAsync("lint", file);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("no-unused-params", result.Output + result.Error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
