namespace ManagedImages.Api;

/// <summary>A request body read as <typeparamref name="T"/>: the value (null when an optional body is absent), or the problem to answer.</summary>
public readonly record struct BodyRead<T>(T? Value, ApiResponse? Problem)
    where T : class;
