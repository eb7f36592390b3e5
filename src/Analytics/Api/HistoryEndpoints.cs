using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MemGrowth.Analytics.Api;

/// <summary>
/// The leak history's routes, for any ASP.NET Core host (JSON, snake_case as <see cref="ApiJson"/> writes it):
/// <c>GET /api/leaks?host=&amp;service=&amp;since=24h&amp;status=open&amp;limit=</c>, <c>GET /api/leaks/{id}?reports=&amp;samples=</c>
/// (the leak id "host/pid/ticks", URL-escaped or not, with its newest reports and the newest samples behind them),
/// <c>GET /api/services</c> (each service's trend, from its trend entity when the node runs them),
/// <c>GET /api/services/{service}?days=30</c> (one service with its days) and <c>GET /api/top?limit=20</c>
/// (the open leaks soonest to their memory limit, fleet-wide). Paths match case-insensitively, with or without
/// a trailing slash; anything else under /api is a 404, and any method but GET a 405, both with an
/// <c>{"error"}</c> body like every refusal of the API's.
/// </summary>
public static class HistoryEndpoints
{
    /// <summary>
    /// Maps the routes under /api. Each handler is a plain <see cref="RequestDelegate"/>: no parameter binding
    /// is generated (and compiled) for them, and a handler's code is all there is to read.
    /// </summary>
    /// <param name="store">The read model, initialized (<see cref="ReadModelStore.InitializeAsync"/>) before the first request.</param>
    /// <param name="trends">The trend entities to answer /api/services from; null to answer from the read model alone.</param>
    /// <param name="retention">The history's retention: a service's series spans no more days than it.</param>
    /// <returns>The /api group, for what a host adds to every route (authorization, metadata).</returns>
    public static RouteGroupBuilder MapHistoryApi(this IEndpointRouteBuilder endpoints, ReadModelStore store, TrendQuery? trends, TimeSpan retention)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(store);
        var routes = new HistoryRoutes(new LeakQuery(store), trends, HistoryRetention.Check(retention));
        var api = endpoints.MapGroup(HistoryRoutes.Root);
        api.MapGet("/leaks", new RequestDelegate(routes.ListLeaksAsync));

        // {**id}: a leak id holds slashes, escaped (%2F, left escaped by routing) or not.
        api.MapGet("/leaks/{**id}", new RequestDelegate(routes.GetLeakAsync));
        api.MapGet("/services", new RequestDelegate(routes.ListServicesAsync));
        api.MapGet("/services/{service}", new RequestDelegate(routes.GetServiceAsync));
        api.MapGet("/top", new RequestDelegate(routes.TopAsync));

        // Chosen only when no route above matches the path and method: a route's path with another method
        // (routing alone would answer such a 405 with an empty body), or a path the API does not serve.
        api.MapFallback("{**rest}", new RequestDelegate(HistoryRoutes.RefuseAsync));
        return api;
    }
}
