namespace ManagedImages.Api.Access;

/// <summary>One row of <see cref="ApiAccessRules"/>: an HTTP method and a route template under /api, and who may call it.</summary>
public sealed record RouteAccess(string Method, string Template, AccessRule Rule);
