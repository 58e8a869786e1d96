using Microsoft.Playwright;

namespace Attune.E2E;

/// <summary>How a person answers the check-in's 0–10 sliders: by tapping on a phone, or by keyboard alone.</summary>
public static class CheckInScreens
{
    /// <summary>Taps the slider for <paramref name="question"/> where <paramref name="value"/> lies, correcting the aim as a person would.</summary>
    public static async Task TapSliderAsync(IPage page, string question, int value)
    {
        var slider = page.GetByRole(AriaRole.Slider, new() { Name = question });
        await slider.ScrollIntoViewIfNeededAsync();
        var box = await slider.BoundingBoxAsync() ?? throw new InvalidOperationException($"The slider for '{question}' is not on screen.");
        var step = box.Width / 10;
        var x = box.X + step * value;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            await page.Touchscreen.TapAsync(Math.Clamp((float)x, box.X + 1, box.X + box.Width - 1), box.Y + box.Height / 2);
            var now = int.Parse(await slider.InputValueAsync(), System.Globalization.CultureInfo.InvariantCulture);
            if (now == value) break;
            x += (value - now) * step * 0.9f;
        }
        await Assertions.Expect(slider).ToHaveValueAsync(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(slider).ToHaveAttributeAsync("aria-valuetext", new System.Text.RegularExpressions.Regex($"^{value} out of 10"));
    }

    /// <summary>Presses Tab until the focused element matches <paramref name="selector"/>; fails after 60 presses.</summary>
    public static async Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
                return;
        }
        throw new InvalidOperationException($"Tab never reached {selector}.");
    }

    /// <summary>From an unanswered slider that has focus: End (10), then Left arrow down to the value.</summary>
    public static async Task SlideByKeyboardAsync(IPage page, int value)
    {
        await page.Keyboard.PressAsync("End");
        for (var v = 10; v > value; v--)
            await page.Keyboard.PressAsync("ArrowLeft");
    }
}
