namespace ManagedImages.TestSupport;

/// <summary>Names no other test, test run or helper on the shared stack uses at the same time.</summary>
public static class UniqueNames
{
    /// <summary>Ten lowercase hex characters: fits table names, task hubs, repositories and nicknames.</summary>
    public static string Suffix() => Guid.NewGuid().ToString("N")[..10];

    /// <summary><paramref name="prefix"/>, a dash and a <see cref="Suffix"/>, e.g. <c>it-oci-1a2b3c4d5e</c>.</summary>
    public static string Of(string prefix) => $"{prefix}-{Suffix()}";

    /// <summary><paramref name="prefix"/> and a <see cref="Suffix"/> with nothing between, for names of letters and digits only (table prefixes, task hubs).</summary>
    public static string Compact(string prefix) => prefix + Suffix();
}
