using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace ManagedImages.IntegrationTests.Builders;

/// <summary>
/// A flat apt repository served over HTTP on a free loopback port: .deb packages built here with dpkg-deb (a script
/// in /usr/bin that prints its name and version), a Packages index and a Release file written by hand. Builds reach it
/// with <c>deb [trusted=yes] http://127.0.0.1:{port}/ ./</c> on the host network. It can be told to stall, so a
/// build hangs in apt-get update.
/// </summary>
public sealed class LocalAptRepository : IAsyncDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"it-apt-{Guid.NewGuid():N}");
    private readonly Dictionary<(string Name, string Version), string> packages = [];
    private readonly HttpListener listener = new();
    private readonly CancellationTokenSource stopping = new();
    private Task? serving;
    private int requests;

    public int Port { get; private set; }

    /// <summary>The apt source line of this repository.</summary>
    public string SourceLine => string.Create(CultureInfo.InvariantCulture, $"deb [trusted=yes] http://127.0.0.1:{Port}/ ./");

    /// <summary>While set, requests wait until it is cleared (or the repository stops).</summary>
    public bool Stalled { get; set; }

    /// <summary>How many requests arrived so far.</summary>
    public int Requests => Volatile.Read(ref requests);

    public static async Task<LocalAptRepository> StartAsync()
    {
        var repository = new LocalAptRepository();
        Directory.CreateDirectory(repository.folder);
        await repository.WriteIndexAsync(CancellationToken.None);
        // A free port: taken by a socket, released, then listened on (a race only with other fresh listeners).
        for (var attempt = 0; ; attempt++)
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                repository.Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            repository.listener.Prefixes.Clear();
            repository.listener.Prefixes.Add($"http://127.0.0.1:{repository.Port}/");
            try
            {
                repository.listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
        repository.serving = Task.Run(repository.ServeAsync);
        return repository;
    }

    /// <summary>Builds package <paramref name="name"/> <paramref name="version"/> and lists it in the index.</summary>
    public async Task PublishAsync(string name, string version, CancellationToken cancellationToken)
    {
        var root = Path.Combine(folder, "src", $"{name}_{version}");
        Directory.CreateDirectory(Path.Combine(root, "DEBIAN"));
        Directory.CreateDirectory(Path.Combine(root, "usr", "bin"));
        await File.WriteAllTextAsync(Path.Combine(root, "DEBIAN", "control"),
            $"Package: {name}\nVersion: {version}\nArchitecture: all\nMaintainer: Managed Images tests <tests@example.invalid>\nDescription: test package {name}\n",
            cancellationToken);
        var script = Path.Combine(root, "usr", "bin", name);
        await File.WriteAllTextAsync(script, $"#!/bin/sh\necho \"{name} {version}\"\n", cancellationToken);
        await HostCommand.RunAsync("/bin/chmod", ["0755", script], TimeSpan.FromMinutes(1), cancellationToken);
        var deb = Path.Combine(folder, $"{name}_{version}_all.deb");
        await HostCommand.RunAsync("/usr/bin/dpkg-deb", ["--root-owner-group", "--build", root, deb], TimeSpan.FromMinutes(1), cancellationToken);
        lock (packages) packages[(name, version)] = deb;
        await WriteIndexAsync(cancellationToken);
    }

    private async Task WriteIndexAsync(CancellationToken cancellationToken)
    {
        var index = new StringBuilder();
        List<KeyValuePair<(string Name, string Version), string>> listed;
        lock (packages) listed = [.. packages.OrderBy(p => p.Key.Name, StringComparer.Ordinal).ThenBy(p => p.Key.Version, StringComparer.Ordinal)];
        foreach (var ((name, version), deb) in listed)
        {
            var bytes = await File.ReadAllBytesAsync(deb, cancellationToken);
            index.Append(CultureInfo.InvariantCulture,
                $"Package: {name}\nVersion: {version}\nArchitecture: all\nMaintainer: Managed Images tests <tests@example.invalid>\n" +
                $"Filename: ./{Path.GetFileName(deb)}\nSize: {bytes.Length}\nSHA256: {Convert.ToHexStringLower(SHA256.HashData(bytes))}\n" +
                $"Description: test package {name}\n\n");
        }
        var packagesBytes = Encoding.UTF8.GetBytes(index.ToString());
        var release = string.Create(CultureInfo.InvariantCulture,
            $"Origin: managed-images-tests\nLabel: managed-images-tests\nDate: {DateTimeOffset.UtcNow:R}\nSHA256:\n {Convert.ToHexStringLower(SHA256.HashData(packagesBytes))} {packagesBytes.Length} Packages\n");
        await File.WriteAllBytesAsync(Path.Combine(folder, "Packages"), packagesBytes, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "Release"), release, cancellationToken);
    }

    private async Task ServeAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref requests);
        try
        {
            while (Stalled && !stopping.IsCancellationRequested) await Task.Delay(100);
            var name = Path.GetFileName(context.Request.Url?.AbsolutePath ?? "");
            var path = Path.Combine(folder, name);
            if (name.Length == 0 || !File.Exists(path))
            {
                context.Response.StatusCode = 404;
                return;
            }
            var bytes = await File.ReadAllBytesAsync(path);
            context.Response.ContentLength64 = bytes.Length;
            if (context.Request.HttpMethod != "HEAD") await context.Response.OutputStream.WriteAsync(bytes);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away (a cancelled build): nothing to answer.
        }
        finally
        {
            try
            {
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Close();
        if (serving is not null) await serving;
        stopping.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
