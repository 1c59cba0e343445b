namespace ManagedImages.Infra.Tests;

/// <summary>One compilation of main.bicep shared by every test class that reads it (a Bicep run takes seconds).</summary>
[CollectionDefinition(Name)]
public sealed class SharedCompilation : ICollectionFixture<CompiledTemplate>
{
    public const string Name = "compiled main.bicep";
}
