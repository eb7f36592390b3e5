using System.Data.Common;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>Rows to columns and back: the one place that knows the read model's column order and encodings.</summary>
internal static class RowMapping
{
    public const string LeakColumns =
        "persistence_id, last_sequence_nr, leak_id, host, pid, start_ticks, status, service, comm, cmdline, cgroup, container_id, " +
        "process_started, opened, growth_started, confirmed_at, ended_at, last_seen, episodes, reports, last_report, pattern, " +
        "bytes_per_second, confidence, rss_bytes, memory_limit_bytes, seconds_to_limit";

    public const string ReportColumns =
        "persistence_id, sequence_nr, kind, reported, pattern, bytes_per_second, confidence, rss_bytes, memory_limit_bytes, seconds_to_limit";

    public static LeakRow ReadLeak(DbDataReader r)
    {
        var leak = new LeakId(r.GetString(3), r.GetInt32(4), unchecked((ulong)r.GetInt64(5)));
        var latest = new LeakReport(Time(r, 20), SnakeCase.Parse<GrowthPattern>(r.GetString(21)), r.GetDouble(22), r.GetDouble(23),
            r.GetInt64(24), NullableLong(r, 25), NullableDouble(r, 26));
        return new LeakRow(r.GetString(0), r.GetInt64(1), leak, SnakeCase.Parse<LeakStatus>(r.GetString(6)), r.GetString(7), r.GetString(8),
            r.GetString(9), NullableString(r, 10), NullableString(r, 11), Time(r, 12), Time(r, 13), Time(r, 14), NullableTime(r, 15),
            NullableTime(r, 16), Time(r, 17), r.GetInt32(18), r.GetInt32(19), latest);
    }

    public static ReportRow ReadReport(DbDataReader r) => new(
        r.GetString(0), r.GetInt64(1), SnakeCase.Parse<ReportKind>(r.GetString(2)), Time(r, 3), SnakeCase.Parse<GrowthPattern>(r.GetString(4)),
        r.GetDouble(5), r.GetDouble(6), r.GetInt64(7), NullableLong(r, 8), NullableDouble(r, 9));

    /// <summary>The leak row's values, in <see cref="LeakColumns"/> order, as parameters @p0…@p26.</summary>
    public static void AddLeak(DbCommand command, LeakRow row) => AddAll(command, LeakValues(row));

    /// <summary>The leak row's column values, in <see cref="LeakColumns"/> order (null for SQL NULL).</summary>
    public static object?[] LeakValues(LeakRow row)
    {
        var l = row.Latest;
        return [row.PersistenceId, row.LastSequenceNr, row.Leak.ToString(), row.Leak.Host, row.Leak.Pid, unchecked((long)row.Leak.StartTicks),
            SnakeCase.Name(row.Status), row.Service, row.Comm, row.Cmdline, row.Cgroup, row.ContainerId, Ticks(row.ProcessStarted), Ticks(row.Opened),
            Ticks(row.GrowthStarted), Ticks(row.ConfirmedAt), Ticks(row.EndedAt), Ticks(row.LastSeen), row.Episodes, row.Reports, Ticks(l.Time),
            SnakeCase.Name(l.Pattern), l.BytesPerSecond, l.Confidence, l.RssBytes, l.MemoryLimitBytes, l.SecondsToLimit];
    }

    /// <summary>The report row's column values, in <see cref="ReportColumns"/> order (null for SQL NULL).</summary>
    public static object?[] ReportValues(ReportRow row) =>
        [row.PersistenceId, row.SequenceNr, SnakeCase.Name(row.Kind), Ticks(row.Time), SnakeCase.Name(row.Pattern), row.BytesPerSecond,
            row.Confidence, row.RssBytes, row.MemoryLimitBytes, row.SecondsToLimit];

    /// <summary>"@p0, @p1, …" for <paramref name="count"/> parameters.</summary>
    public static string Placeholders(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => "@p" + i));

    public static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary>The leak row's values as parameters @p0…@p26 of one statement of a batch.</summary>
    public static void AddLeak(DbBatchCommand command, LeakRow row)
    {
        var values = LeakValues(row);
        for (var i = 0; i < values.Length; i++)
        {
            Add(command, "@p" + i, values[i]);
        }
    }

    public static void Add(DbBatchCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    public static long Ticks(DateTimeOffset time) => time.UtcTicks;

    private static long? Ticks(DateTimeOffset? time) => time?.UtcTicks;

    private static void AddAll(DbCommand command, object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            Add(command, "@p" + i, values[i]);
        }
    }

    private static DateTimeOffset Time(DbDataReader r, int i) => new(r.GetInt64(i), TimeSpan.Zero);

    private static DateTimeOffset? NullableTime(DbDataReader r, int i) => r.IsDBNull(i) ? null : Time(r, i);

    private static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? NullableLong(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static double? NullableDouble(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
}
