using System.Text.RegularExpressions;
using Attune.Web.Tests.Infrastructure;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using ZXing;
using ZXing.Common;

namespace Attune.Web.Tests.Clients;

/// <summary>
/// Issue 18, point 9: a link handed over in the room is a QR code beside the link and its copy button; read back with
/// ZXing, as a phone's camera reads it, it holds exactly the link.
/// </summary>
public partial class LinkQrCodeTests
{
    [Fact]
    public async Task Each_live_link_on_the_client_page_has_a_QR_code_that_holds_exactly_that_link()
    {
        await using var app = await AttuneFactory.StartAsync("sqlite");
        var staff = await Demo.ClinicianAsync(app);
        var client = await Slice.AddClientAsync(staff, "Scan Person");
        await Slice.CreateCheckInAsync(staff, client, "connection-check");
        var html = await staff.Http.GetStringAsync($"/clients/{client}", TestContext.Current.CancellationToken);

        var codes = CopyLink().Matches(html).Select(m => (Link: System.Net.WebUtility.HtmlDecode(m.Groups[1].Value), Png: System.Net.WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
        // The check-in link and the progress page's link (each page draws its links afresh, so the check-in's token differs from the one made above).
        Assert.Equal(["/c/", "/p/"], codes.Select(c => new Uri(c.Link).AbsolutePath[..3]).Order());
        foreach (var (link, png) in codes)
            Assert.Equal(link, Read(Convert.FromBase64String(png)));
    }

    /// <summary>The text a QR code image holds, or null when none can be read from it.</summary>
    private static string? Read(byte[] png)
    {
        using var image = Image.Load<Rgba32>(png);
        var pixels = new byte[image.Width * image.Height * 4];
        image.CopyPixelDataTo(pixels);
        var source = new RGBLuminanceSource(pixels, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.RGBA32);
        var result = new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(source)),
            new Dictionary<DecodeHintType, object> { [DecodeHintType.POSSIBLE_FORMATS] = new List<BarcodeFormat> { BarcodeFormat.QR_CODE } });
        return result?.Text;
    }

    /// <summary>A copy-link block: its link box's value, then its QR code's PNG.</summary>
    [GeneratedRegex(@"<div class=""copy-link"">\s*<input[^>]*value=""([^""]+)""[\s\S]*?<img class=""qr"" src=""data:image/png;base64,([^""]+)""")]
    private static partial Regex CopyLink();
}
