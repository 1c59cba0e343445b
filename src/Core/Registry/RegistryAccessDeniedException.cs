namespace ManagedImages.Registry;

/// <summary>The service's own rules refused a registry operation before anything was sent (see <see cref="RegistryAccessPolicy"/>).</summary>
public sealed class RegistryAccessDeniedException : RegistryException
{
    public RegistryAccessDeniedException() { }

    public RegistryAccessDeniedException(string message) : base(message) { }

    public RegistryAccessDeniedException(string message, Exception innerException) : base(message, innerException) { }
}
