using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Tests.Growth;

public class GrowthSettingsTests
{
    public static TheoryData<string, Func<GrowthSettings, GrowthSettings>> Invalid => new()
    {
        { nameof(GrowthSettings.WindowSeconds), s => s with { WindowSeconds = 0 } },
        { nameof(GrowthSettings.WindowSeconds), s => s with { WindowSeconds = 10 } },
        { nameof(GrowthSettings.WindowSeconds), s => s with { WindowSeconds = double.PositiveInfinity } },
        { nameof(GrowthSettings.WindowSeconds), s => s with { SampleIntervalSeconds = 0.001 } },
        { nameof(GrowthSettings.ConfidenceThreshold), s => s with { ConfidenceThreshold = 0 } },
        { nameof(GrowthSettings.ConfidenceThreshold), s => s with { ConfidenceThreshold = 1.5 } },
        { nameof(GrowthSettings.ConfidenceThreshold), s => s with { ConfidenceThreshold = double.NaN } },
        { nameof(GrowthSettings.MinGrowthBytesPerSecond), s => s with { MinGrowthBytesPerSecond = -1 } },
        { nameof(GrowthSettings.MinGrowthSeconds), s => s with { MinGrowthSeconds = 0 } },
        { nameof(GrowthSettings.ResolveAfterFlatSeconds), s => s with { ResolveAfterFlatSeconds = -8 } },
        { nameof(GrowthSettings.MaxPauseSeconds), s => s with { MaxPauseSeconds = 5 } },
        { nameof(GrowthSettings.SampleIntervalSeconds), s => s with { SampleIntervalSeconds = 0 } },
        { nameof(GrowthSettings.MinimumDeltaBytes), s => s with { MinimumDeltaBytes = 0 } },
        { nameof(GrowthSettings.UpdateIntervalSeconds), s => s with { UpdateIntervalSeconds = -1 } },
        { nameof(GrowthSettings.UpdateRateChange), s => s with { UpdateRateChange = 0 } },
        { nameof(GrowthSettings.UpdateConfidenceChange), s => s with { UpdateConfidenceChange = double.NaN } },
        { nameof(GrowthSettings.SeverityHorizonSeconds), s => s with { SeverityHorizonSeconds = 0 } },
    };

    [Fact]
    public void Should_accept_the_defaults()
    {
        GrowthSettings.Default.Validate();

        Assert.Equal(300, GrowthSettings.Default.WindowSeconds);
        Assert.Equal(0.6, GrowthSettings.Default.ConfidenceThreshold);
        Assert.Equal(16 * 1024, GrowthSettings.Default.MinGrowthBytesPerSecond);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Should_name_the_setting_that_cannot_work(string name, Func<GrowthSettings, GrowthSettings> change)
    {
        GrowthSettings settings = change(GrowthSettings.Default);

        var error = Assert.Throws<ArgumentException>(settings.Validate);
        Assert.Equal(name, error.ParamName);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ProcessGrowth(settings));
    }
}
