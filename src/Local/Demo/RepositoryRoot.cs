namespace ManagedImages.Local.Demo;

/// <summary>The checkout this program belongs to: the nearest folder up from a start folder that has scripts/stack and the solution.</summary>
internal static class RepositoryRoot
{
    public static string? Find(string start)
    {
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "scripts", "stack")) && File.Exists(Path.Combine(dir.FullName, "ManagedImages.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
