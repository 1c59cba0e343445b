namespace ManagedImages.Registrations;

/// <summary>The rule for paths inside an image that a registration adds or removes: absolute and normalized.</summary>
public static class ImagePaths
{
    public const string Accepted = "an absolute, normalized path like /etc/app/config.yaml (no '.', '..' or empty segments, no trailing '/')";

    /// <summary>Why <paramref name="path"/> is not an acceptable file path, or null when it is.</summary>
    public static string? Problem(string? path)
    {
        if (string.IsNullOrEmpty(path)) return $"a path is required: {Accepted}";
        if (path.Length > RegistrationLimits.MaxPathLength)
            return $"the path has {path.Length} characters; at most {RegistrationLimits.MaxPathLength} are allowed";
        if (path.Contains('\0', StringComparison.Ordinal)) return $"the path contains a NUL character; give {Accepted}";
        if (path[0] != '/') return $"'{path}' is relative; give {Accepted}";
        if (path == "/") return $"'/' is the root directory, not a file; give {Accepted}";
        foreach (var segment in path[1..].Split('/'))
        {
            if (segment.Length == 0) return $"'{path}' has an empty segment ('//' or a trailing '/'); give {Accepted}";
            if (segment is "." or "..") return $"'{path}' has a '{segment}' segment; give {Accepted}";
        }
        return null;
    }
}
