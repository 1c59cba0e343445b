namespace ManagedImages.Layers;

/// <summary>Paths inside an image, as a layer's tar names them: relative, '/'-separated, no '.' or '..'.</summary>
internal static class LayerPath
{
    public const string WhiteoutPrefix = ".wh.";

    /// <summary>Normalises <paramref name="path"/> (<c>/etc//app/./x</c> is <c>etc/app/x</c>) or throws naming <paramref name="field"/>.</summary>
    public static string Normalize(string path, string field = "path")
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException($"{field}: a path inside the image is required, like /etc/app/config.json.", nameof(path));

        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or ".") continue;
            if (segment == "..")
                throw new ArgumentException($"{field}: '{path}' contains '..'; use an absolute path without '..', like /etc/app/config.json.", nameof(path));
            if (segment.Contains('\0', StringComparison.Ordinal))
                throw new ArgumentException($"{field}: '{path}' contains a NUL character.", nameof(path));
            segments.Add(segment);
        }

        return segments.Count == 0
            ? throw new ArgumentException($"{field}: '{path}' names the image root; name a file or directory below it, like /etc/app.", nameof(path))
            : string.Join('/', segments);
    }

    public static string? Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? null : path[..slash];
    }

    /// <summary>The whiteout that hides <paramref name="path"/> of the layers below: <c>dir/.wh.name</c>.</summary>
    public static string WhiteoutFor(string path)
    {
        var parent = Parent(path);
        var name = parent is null ? path : path[(parent.Length + 1)..];
        return parent is null ? WhiteoutPrefix + name : $"{parent}/{WhiteoutPrefix}{name}";
    }
}
