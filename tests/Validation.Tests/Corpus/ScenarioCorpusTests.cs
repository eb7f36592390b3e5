using MemGrowth.Validation.Corpus;
using Xunit;

namespace MemGrowth.Validation.Tests.Corpus;

public class ScenarioCorpusTests
{
    [Fact]
    public void The_same_seed_draws_the_same_runs_and_another_seed_other_ones()
    {
        static string Text(int seed) => string.Join('\n', ScenarioCorpus.Draw(false, 2, seed).SelectMany(g => g).Select(l => $"{l.Variant} {l.StartDelaySeconds}"));

        Assert.Equal(Text(7), Text(7));
        Assert.NotEqual(Text(7), Text(8));
    }

    [Fact]
    public void Every_leak_names_the_pattern_it_should_get_and_nothing_else_does()
    {
        foreach (var launch in ScenarioCorpus.Draw(false, 1, 1).SelectMany(g => g))
        {
            Assert.Equal(launch.Expect == Expectation.Leak, launch.Pattern is not null);
            if (launch.Expect != Expectation.Good)
            {
                Assert.NotNull(launch.GrowthSeconds);
            }
        }
    }

    [Fact]
    public void The_quick_subset_holds_leaks_known_good_and_ambiguous_cases_and_is_a_subset()
    {
        var quick = ScenarioCorpus.Draw(true, 4, 1).SelectMany(g => g).ToList();
        var full = ScenarioCorpus.All.Select(s => s.Name).ToHashSet();

        Assert.All(Enum.GetValues<Expectation>(), e => Assert.Contains(quick, l => l.Expect == e));
        Assert.All(quick, l => Assert.Contains(l.Scenario, full));
        Assert.True(quick.Select(l => l.Scenario).Distinct().Count() < full.Count);
    }

    [Fact]
    public void Growers_get_arguments_memgrowth_grow_accepts_in_form()
    {
        var spec = new GrowerSpec("gc-leak", 6.5, 50, "anon", PeriodSeconds: 5, HoldSeconds: 10, LeakMegabytes: 0.5, NoiseMegabytes: 1.25, Seed: 9);

        Assert.Equal(
            "grow --pattern gc-leak --rate 6.5 --duration 50 --memory anon --hold 10 --seed 9 --period 5 --leak 0.5 --noise 1.25",
            string.Join(' ', spec.Arguments()));
    }
}
