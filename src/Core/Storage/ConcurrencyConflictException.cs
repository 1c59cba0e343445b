namespace ManagedImages.Storage;

/// <summary>Someone else changed the record since it was read; nothing was written. Read again and retry.</summary>
public sealed class ConcurrencyConflictException(string message, Exception? inner = null) : Exception(message, inner);
