using ManagedImages.Oci;

namespace ManagedImages.Registry;

/// <summary>Content did not match the digest or size it was fetched or pushed by; it was not used.</summary>
public class DigestMismatchException : Exception
{
    public DigestMismatchException() { }

    public DigestMismatchException(string message) : base(message) { }

    public DigestMismatchException(string message, Exception innerException) : base(message, innerException) { }

    public DigestMismatchException(string what, Digest expected, Digest? actual, long? expectedSize = null, long? actualSize = null)
        : base(Describe(what, expected, actual, expectedSize, actualSize))
    {
        Expected = expected;
        Actual = actual;
        ExpectedSize = expectedSize;
        ActualSize = actualSize;
    }

    public Digest? Expected { get; }
    public Digest? Actual { get; }
    public long? ExpectedSize { get; }
    public long? ActualSize { get; }

    private static string Describe(string what, Digest expected, Digest? actual, long? expectedSize, long? actualSize)
    {
        if (expectedSize is not null && actualSize is not null && expectedSize != actualSize)
            return $"{what}: expected {expectedSize} bytes with digest {expected}, got {actualSize} bytes" +
                   (actual is { } a ? $" with digest {a}" : "") + "; the content was not used.";
        return $"{what}: expected digest {expected}, got {actual}; the content was not used.";
    }
}
