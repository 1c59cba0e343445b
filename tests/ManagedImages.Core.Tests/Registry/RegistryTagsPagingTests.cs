using System.Net;
using System.Web;

namespace ManagedImages.Core.Tests.Registry;

public class RegistryTagsPagingTests
{
    [Fact]
    public async Task Tags_are_collected_across_pages_by_following_the_Link_header()
    {
        string[] all = ["a", "b", "c", "d", "e"];
        var handler = new FakeRegistryHandler((request, _) =>
        {
            var query = HttpUtility.ParseQueryString(request.RequestUri!.Query);
            var n = int.Parse(query["n"]!, System.Globalization.CultureInfo.InvariantCulture);
            var rest = all.SkipWhile(t => query["last"] is { } last && string.CompareOrdinal(t, last) <= 0).ToArray();
            var page = rest.Take(n).ToArray();
            var response = FakeRegistryHandler.Json(HttpStatusCode.OK,
                $$"""{"name":"team/app","tags":[{{string.Join(',', page.Select(t => $"\"{t}\""))}}]}""");
            if (rest.Length > n)
                response.Headers.TryAddWithoutValidation("Link", $"</v2/team/app/tags/list?last={page[^1]}&n={n}>; rel=\"next\"");
            return response;
        });
        var client = TestRegistryClient.Create(handler, options => options.TagsPageSize = 2);

        var tags = await client.ListTagsAsync(TestRegistryClient.Host, "team/app", default);

        Assert.Equal(all, tags);
        Assert.Equal(
            ["/v2/team/app/tags/list?n=2", "/v2/team/app/tags/list?last=b&n=2", "/v2/team/app/tags/list?last=d&n=2"],
            handler.Requests.Select(r => r.Uri.PathAndQuery));
    }
}
