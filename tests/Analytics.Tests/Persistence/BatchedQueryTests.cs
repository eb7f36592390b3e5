using MemGrowth.Analytics.Persistence;
using Xunit;

namespace MemGrowth.Analytics.Tests.Persistence;

/// <summary>
/// How <see cref="BatchedQuery{TKey,TResult}"/> groups lookups: a lone one is queried at once; those asked
/// while a query runs go together in the next, at most so many at a time; a failed query fails only the
/// lookups it carried. The query here is a function whose completion the test holds, so what runs when is
/// the test's to decide, not the scheduler's.
/// </summary>
public sealed class BatchedQueryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_lone_lookup_is_queried_at_once_and_alone()
    {
        var queries = new HeldQueries();
        var batched = new BatchedQuery<string, int>(queries.Run, maxBatch: 10);

        var answer = batched.LookUp("a");
        var query = await queries.Next();
        query.Answer(k => k.Length);

        Assert.Equal(["a"], query.Keys);
        Assert.Equal(1, await answer.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Lookups_asked_while_a_query_runs_go_together_in_the_next_each_with_its_own_answer()
    {
        var queries = new HeldQueries();
        var batched = new BatchedQuery<string, int>(queries.Run, maxBatch: 10);

        var first = batched.LookUp("a");
        var running = await queries.Next();
        var waiting = new[] { "bb", "ccc", "bb", "dddd" }.Select(k => batched.LookUp(k)).ToList();
        running.Answer(k => k.Length);
        var next = await queries.Next();
        next.Answer(k => k.Length * 10);

        Assert.Equal(1, await first.WaitAsync(Timeout));
        Assert.Equal(["bb", "ccc", "bb", "dddd"], next.Keys);
        Assert.Equal(new[] { 20, 30, 20, 40 }, await Task.WhenAll(waiting).WaitAsync(Timeout));
        Assert.Equal(2, batched.Queries);
    }

    [Fact]
    public async Task No_query_carries_more_than_the_most_a_batch_may_hold()
    {
        var queries = new HeldQueries();
        var batched = new BatchedQuery<int, int>(queries.RunInts, maxBatch: 3);

        var first = batched.LookUp(0);
        var running = await queries.NextInts();
        var waiting = Enumerable.Range(1, 7).Select(k => batched.LookUp(k)).ToList();
        running.Answer(k => -k);
        var sizes = new List<int>();
        for (var answered = 0; answered < 7;)
        {
            var query = await queries.NextInts();
            sizes.Add(query.Keys.Count);
            answered += query.Keys.Count;
            query.Answer(k => -k);
        }

        Assert.Equal(0, await first.WaitAsync(Timeout));
        Assert.Equal([3, 3, 1], sizes);
        Assert.Equal(Enumerable.Range(1, 7).Select(k => -k), await Task.WhenAll(waiting).WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_failed_query_fails_the_lookups_it_carried_and_the_next_still_answers()
    {
        var queries = new HeldQueries();
        var batched = new BatchedQuery<string, int>(queries.Run, maxBatch: 10);

        var failing = batched.LookUp("a");
        var running = await queries.Next();
        var later = batched.LookUp("bb");
        running.Fail(new InvalidOperationException("the database went away"));
        var next = await queries.Next();
        next.Answer(k => k.Length);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.WaitAsync(Timeout));
        Assert.Equal("the database went away", failure.Message);
        Assert.Equal(2, await later.WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_lookup_given_up_while_a_query_runs_is_cancelled_and_left_out_of_the_next()
    {
        var queries = new HeldQueries();
        var batched = new BatchedQuery<string, int>(queries.Run, maxBatch: 10);
        using var giveUp = new CancellationTokenSource();

        var first = batched.LookUp("a");
        var running = await queries.Next();
        var given = batched.LookUp("bb", giveUp.Token);
        var kept = batched.LookUp("ccc");
        await giveUp.CancelAsync();
        running.Answer(k => k.Length);
        var next = await queries.Next();
        next.Answer(k => k.Length);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => given.WaitAsync(Timeout));
        Assert.Equal(["ccc"], next.Keys);
        Assert.Equal(3, await kept.WaitAsync(Timeout));
        Assert.Equal(1, await first.WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_query_that_answers_fewer_keys_than_it_was_asked_fails_its_lookups()
    {
        var batched = new BatchedQuery<string, int>(_ => Task.FromResult<IReadOnlyList<int>>([]), maxBatch: 10);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => batched.LookUp("a").WaitAsync(Timeout));

        Assert.Contains("answered 0 of 1 keys", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Queries that wait until the test answers them, handed to it in the order they ran.</summary>
    private sealed class HeldQueries
    {
        private readonly System.Threading.Channels.Channel<HeldQuery<string>> _strings = System.Threading.Channels.Channel.CreateUnbounded<HeldQuery<string>>();
        private readonly System.Threading.Channels.Channel<HeldQuery<int>> _ints = System.Threading.Channels.Channel.CreateUnbounded<HeldQuery<int>>();

        public Task<IReadOnlyList<int>> Run(IReadOnlyList<string> keys) => Hold(_strings, keys);

        public Task<IReadOnlyList<int>> RunInts(IReadOnlyList<int> keys) => Hold(_ints, keys);

        public async Task<HeldQuery<string>> Next() => await _strings.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

        public async Task<HeldQuery<int>> NextInts() => await _ints.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

        private static Task<IReadOnlyList<int>> Hold<TKey>(System.Threading.Channels.Channel<HeldQuery<TKey>> channel, IReadOnlyList<TKey> keys)
        {
            var query = new HeldQuery<TKey>(keys.ToList());
            Assert.True(channel.Writer.TryWrite(query));
            return query.Result.Task;
        }
    }

    private sealed record HeldQuery<TKey>(List<TKey> Keys)
    {
        public TaskCompletionSource<IReadOnlyList<int>> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Answer(Func<TKey, int> answer) => Result.SetResult(Keys.Select(answer).ToList());

        public void Fail(Exception e) => Result.SetException(e);
    }
}
