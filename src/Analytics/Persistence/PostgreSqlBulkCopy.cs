using LinqToDB.Data;
using LinqToDB.DataProvider.PostgreSQL;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// How the journal's multi-row writes reach PostgreSQL. Akka.Persistence.Sql writes a batch of more than
/// <c>max-row-by-row-size</c> rows through linq2db's default bulk copy, which for PostgreSQL is one INSERT
/// with every value spelled out in its text (each event's bytes as a hex literal: about half of the analytics
/// node's allocations at full ingest, measured with dotnet-trace). Binary COPY sends the rows as they are.
/// linq2db keeps this default in a process-wide setting.
/// </summary>
public static class PostgreSqlBulkCopy
{
    /// <summary>Makes binary COPY linq2db's default bulk copy for PostgreSQL in this process. Idempotent.</summary>
    public static void UseBinaryCopy()
    {
        if (PostgreSQLOptions.Default.BulkCopyType != BulkCopyType.ProviderSpecific)
        {
            PostgreSQLOptions.Default = PostgreSQLOptions.Default with { BulkCopyType = BulkCopyType.ProviderSpecific };
        }
    }
}
