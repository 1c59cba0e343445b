using System.Security.Cryptography;
using ManagedImages.Registrations;
using ManagedImages.Storage;

namespace ManagedImages.Core.Tests.Storage;

public class RegistrationDocumentTests
{
    [Fact]
    public void A_document_larger_than_one_part_splits_into_64_KiB_parts_and_joins_back()
    {
        var bytes = RandomNumberGenerator.GetBytes(200 * 1024);
        var registration = new Registration { Base = "busybox", Files = [new FileSpec { Path = "/a", ContentBase64 = Convert.ToBase64String(bytes) }] };

        var parts = RegistrationDocument.Split(registration);

        Assert.True(parts.Count > 1);
        Assert.All(parts.SkipLast(1), p => Assert.Equal(RegistrationDocument.PartBytes, p.Length));
        Assert.Equal(bytes, RegistrationDocument.Join(parts).Files[0].Bytes());
    }

    [Fact]
    public void A_valid_registration_at_the_file_limits_fits_in_a_row()
    {
        // The worst case for compression: random bytes, as base64, at the total limit.
        var registration = new Registration
        {
            Base = "busybox",
            Files = [
                new FileSpec { Path = "/a", ContentBase64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(RegistrationLimits.MaxFileBytes)) },
                new FileSpec { Path = "/b", ContentBase64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(RegistrationLimits.MaxFileBytes)) },
            ],
            Env = new Dictionary<string, string> { ["X"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(45 * 1024)) },
        };
        Assert.Empty(RegistrationValidator.Validate("limits", registration));

        Assert.True(RegistrationDocument.Split(registration).Count <= RegistrationDocument.MaxParts);
    }

    [Fact]
    public void A_document_too_large_for_a_row_is_refused_with_the_limit()
    {
        var registration = new Registration
        {
            Base = "busybox",
            Files = [new FileSpec { Path = "/a", ContentBase64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(1024 * 1024)) }],
        };

        var error = Assert.Throws<ArgumentException>(() => RegistrationDocument.Split(registration));
        Assert.Contains("at most 960 KiB", error.Message, StringComparison.Ordinal);
    }
}
