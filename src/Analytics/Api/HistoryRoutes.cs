using System.Globalization;
using System.Text.Json;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Microsoft.AspNetCore.Http;

namespace MemGrowth.Analytics.Api;

/// <summary>What each route of <see cref="HistoryEndpoints"/> answers.</summary>
internal sealed class HistoryRoutes(LeakQuery query, TrendQuery? trends, TimeSpan retention)
{
    public const string Root = "/api";
    private const string Leaks = Root + "/leaks";
    private const string Services = Root + "/services";
    private const string Top = Root + "/top";

    private readonly int _maxDays = HistoryRetention.MaxDays(retention, HistoryApi.MaxDays);

    public static Task RefuseAsync(HttpContext context) =>
        !HttpMethods.IsGet(context.Request.Method)
            ? ErrorAsync(context, StatusCodes.Status405MethodNotAllowed, $"{context.Request.Method} is not served: the history API answers GET")
            : ErrorAsync(context, StatusCodes.Status404NotFound,
                $"no such resource {context.Request.Path}: the history API serves {Leaks}, {Leaks}/{{id}}, {Services}, {Services}/{{service}} and {Top}");

    public async Task ListLeaksAsync(HttpContext context)
    {
        LeakFilter filter;
        try
        {
            filter = FilterOf(context.Request.Query, DateTimeOffset.UtcNow);
        }
        catch (FormatException e)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, e.Message).ConfigureAwait(false);
            return;
        }

        await OkAsync(context, (await query.ListAsync(filter, context.RequestAborted).ConfigureAwait(false)).Select(LeakJson.Of).ToList()).ConfigureAwait(false);
    }

    public async Task GetLeakAsync(HttpContext context)
    {
        // "/api/leaks/" alone is the list, as a trailing slash is everywhere else.
        if (RouteValue(context, "id") is not { Length: > 0 } id)
        {
            await ListLeaksAsync(context).ConfigureAwait(false);
            return;
        }

        LeakId leak;
        int? reports, samples;
        var q = context.Request.Query;
        try
        {
            leak = LeakId.Parse(Uri.UnescapeDataString(id));
            reports = Count(q, "reports", 0, LeakFilter.MaxLimit);
            samples = Count(q, "samples", 0, LeakFilter.MaxLimit);
        }
        catch (FormatException e)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, e.Message).ConfigureAwait(false);
            return;
        }

        var detail = await query.GetAsync(leak, reports ?? LeakQuery.DefaultReports, samples ?? LeakQuery.DefaultSamples, context.RequestAborted).ConfigureAwait(false);
        await (detail is null
            ? ErrorAsync(context, StatusCodes.Status404NotFound, $"no leak {leak} in the history")
            : OkAsync(context, LeakDetailJson.Of(detail))).ConfigureAwait(false);
    }

    public async Task ListServicesAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var now = DateTimeOffset.UtcNow;
        List<ServiceTrendJson> services;
        if (trends is null)
        {
            services = [.. (await query.ServiceTrendsAsync(null, ct).ConfigureAwait(false)).Select(t => ServiceTrendJson.Of(t, TrendSource.ReadModel, now))];
        }
        else
        {
            services = [];
            foreach (var (service, trend) in await trends.GetAllAsync(await query.ServiceNamesAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false))
            {
                if (trend is null)
                {
                    await UnansweredAsync(context, service).ConfigureAwait(false);
                    return;
                }

                // A trend its projection has not fed yet (it follows the journal apart from the read model) is left out until it has.
                if (!trend.IsEmpty)
                {
                    services.Add(ServiceTrendJson.Of(trend, TrendSource.Entity, now));
                }
            }
        }

        await OkAsync(context, services.OrderByDescending(s => s.OpenLeaks).ThenBy(s => s.Service, StringComparer.Ordinal).ToList()).ConfigureAwait(false);
    }

    public async Task GetServiceAsync(HttpContext context)
    {
        var ct = context.RequestAborted;

        // Routing decodes the segment but for %2F; a service name (a systemd unit) holds no '%', so decoding
        // again only turns an escaped slash into one, which no service has (a 404).
        var service = Uri.UnescapeDataString(RouteValue(context, "service") ?? "");
        int? days;
        try
        {
            days = Count(context.Request.Query, "days", 1, _maxDays);
        }
        catch (FormatException e)
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, _maxDays < HistoryApi.MaxDays
                ? string.Create(CultureInfo.InvariantCulture, $"days is 1 to {_maxDays} (the history keeps a closed leak {retention.TotalDays:0.#} days)")
                : e.Message).ConfigureAwait(false);
            return;
        }

        var trend = trends is null ? null : await trends.GetAsync(service, ct).ConfigureAwait(false);
        if (trends is not null && trend is null)
        {
            await UnansweredAsync(context, service).ConfigureAwait(false);
            return;
        }

        var (answer, source) = trends is null
            ? ((await query.ServiceTrendsAsync(service, ct).ConfigureAwait(false)).SingleOrDefault(), TrendSource.ReadModel)
            : (trend, TrendSource.Entity);
        await (answer is null || answer.IsEmpty
            ? ErrorAsync(context, StatusCodes.Status404NotFound, $"no leak of service {service} in the history")
            : OkAsync(context, ServiceDetailJson.Of(answer, source, DateTimeOffset.UtcNow, days ?? Math.Min(HistoryApi.DefaultDays, _maxDays)))).ConfigureAwait(false);
    }

    public async Task TopAsync(HttpContext context)
    {
        var limit = HistoryApi.DefaultTop;
        if (Param(context.Request.Query, "limit") is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > LeakFilter.MaxLimit))
        {
            await ErrorAsync(context, StatusCodes.Status400BadRequest, $"limit '{limitText}' is not a number from 1 to {LeakFilter.MaxLimit}").ConfigureAwait(false);
            return;
        }

        var now = DateTimeOffset.UtcNow;
        await OkAsync(context, (await query.SoonestToLimitAsync(limit, context.RequestAborted).ConfigureAwait(false)).Select(l => TopLeakJson.Of(l, now)).ToList()).ConfigureAwait(false);
    }

    /// <summary>A trend entity that did not answer in time: said, not made up from the read model's rows.</summary>
    private static Task UnansweredAsync(HttpContext context, string service) =>
        ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, $"the trend of service {service} did not answer in time (its node may be starting or moving shards); try again");

    private static Task OkAsync<T>(HttpContext context, T value) => JsonAsync(context, StatusCodes.Status200OK, value);

    /// <summary>An error answer: <c>{"error": message}</c>.</summary>
    private static Task ErrorAsync(HttpContext context, int status, string message) => JsonAsync(context, status, new ApiError(message));

    /// <summary>
    /// Written whole with its Content-Length, as the API always answered: the answers are small, and a client
    /// reading a length needs no chunked decoding.
    /// </summary>
    private static Task JsonAsync<T>(HttpContext context, int status, T value)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, ApiJson.Options);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>A route value with a trailing slash dropped (a path may end in one).</summary>
    private static string? RouteValue(HttpContext context, string name) =>
        context.Request.RouteValues[name] is string value ? value.TrimEnd('/') : null;

    /// <summary>
    /// The value given for <paramref name="name"/> (case-insensitively; a name given twice has its values joined
    /// with commas), or null when it was not given or given empty.
    /// </summary>
    private static string? Param(IQueryCollection q, string name) =>
        q.TryGetValue(name, out var values) && values.ToString() is { Length: > 0 } value ? value : null;

    /// <summary>An optional whole-number parameter within [min, max]; null when not given.</summary>
    /// <exception cref="FormatException">Given, but not a whole number in range; the message says which and how.</exception>
    private static int? Count(IQueryCollection q, string name, int min, int max)
    {
        if (Param(q, name) is not { } text)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"{name} is {min} to {max} ('{text}' is not)");
    }

    /// <exception cref="FormatException">A parameter does not parse; the message says which and how.</exception>
    private static LeakFilter FilterOf(IQueryCollection q, DateTimeOffset now)
    {
        var filter = new LeakFilter(Host: Param(q, "host"), Service: Param(q, "service"));
        if (Param(q, "since") is { } since)
        {
            filter = filter with { SeenSince = LeakParameters.ParseSeenSince(since, now) };
        }

        if (Param(q, "status") is { } status)
        {
            filter = filter with { Statuses = LeakParameters.ParseStatus(status) };
        }

        if (Param(q, "limit") is { } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > LeakFilter.MaxLimit)
            {
                throw new FormatException($"limit '{limitText}' is not a number from 1 to {LeakFilter.MaxLimit}");
            }

            filter = filter with { Limit = limit };
        }

        return filter;
    }
}

/// <summary>The body of every error answer.</summary>
internal sealed record ApiError(string Error);
