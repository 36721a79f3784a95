/// The versioned schema, kept in `PRAGMA user_version`.
///
/// The schema is meant to be read by people with `sqlite3 impact.sqlite`: facts are stored at
/// their natural grain (ARCHITECTURE.md), times are integer UTC seconds, and every fact row
/// names the import it came from. In `WITHOUT ROWID` tables the key columns come first.
public enum Migrations {
    /// Each entry moves the schema from version `index` to `index + 1`; append, never edit.
    static let steps: [String] = [
        """
        -- Every imported file: makes re-importing the same content a no-op and explains each number.
        CREATE TABLE imports (
            id            INTEGER PRIMARY KEY,
            path          TEXT    NOT NULL,            -- as given on the command line
            sha256        TEXT    NOT NULL UNIQUE,     -- hex SHA-256 of the file's bytes (decompressed bytes are not hashed)
            format        TEXT    NOT NULL,            -- detected or --format: jmeter-jtl, cloudwatch-get-metric-data, cur-legacy, ...
            environment   TEXT,                        -- from --environment, when the file carries none
            service       TEXT,                        -- from --service, when the file carries none
            rows_accepted INTEGER NOT NULL,
            rows_rejected INTEGER NOT NULL,
            rows_unmapped INTEGER NOT NULL DEFAULT 0,  -- rows kept out of the facts because no rule mapped them
            rows_ignored  INTEGER NOT NULL DEFAULT 0,  -- rows that are valid but not ECS/Fargate data (other services, taxes, ...)
            cost_column   TEXT,                        -- which bill column gave billed cost (cost imports only)
            first_ts      INTEGER,                     -- earliest fact time in the file (UTC seconds)
            last_ts       INTEGER,                     -- latest fact time in the file (UTC seconds)
            imported_at   INTEGER NOT NULL             -- UTC seconds
        );

        -- Fargate usage and billed cost per hour, summed from CUR/FOCUS line items.
        CREATE TABLE usage_cost (
            environment     TEXT    NOT NULL,
            service         TEXT    NOT NULL,
            hour            INTEGER NOT NULL,  -- UTC seconds at the start of the hour
            usage_kind      TEXT    NOT NULL,  -- vcpu | memory | arm_vcpu | arm_memory | ephemeral_storage
            import_id       INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
            usage_amount    REAL    NOT NULL,  -- vCPU-hours or GB-hours
            billed_cost_usd REAL    NOT NULL,
            PRIMARY KEY (environment, service, hour, usage_kind, import_id)
        ) WITHOUT ROWID;

        -- CloudWatch datapoints: one value per (series, statistic, period, period start).
        CREATE TABLE metric_points (
            environment TEXT    NOT NULL,
            service     TEXT    NOT NULL,
            metric      TEXT    NOT NULL,  -- RunningTaskCount, DesiredTaskCount, CPUUtilization, RequestCount, HTTPCode_Target_5XX_Count, ...
            statistic   TEXT    NOT NULL,  -- Average, Sum, Maximum, p95, ...
            period_s    INTEGER NOT NULL,
            ts          INTEGER NOT NULL,  -- UTC seconds at the start of the period
            value       REAL    NOT NULL,
            import_id   INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
            PRIMARY KEY (environment, service, metric, statistic, period_s, ts)
        ) WITHOUT ROWID;

        -- Per-request latencies reduced to one mergeable histogram per minute (see latency_buckets).
        CREATE TABLE latency_minutes (
            environment   TEXT    NOT NULL,
            service       TEXT    NOT NULL,
            minute        INTEGER NOT NULL,  -- UTC seconds at the start of the minute
            import_id     INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
            request_count INTEGER NOT NULL,  -- every request, with or without a latency
            timed_count   INTEGER NOT NULL,  -- requests with a latency (those in the buckets)
            error_5xx     INTEGER NOT NULL,  -- 5xx responses and requests that never got a response
            sum_ms        REAL    NOT NULL,
            min_ms        REAL,
            max_ms        REAL,
            PRIMARY KEY (environment, service, minute, import_id)
        ) WITHOUT ROWID;

        -- Log-spaced bucket counts: bucket k holds latencies x (ms) with ceil(ln(x)/ln(γ)) = k,
        -- γ = 1.005/0.995; k = -1000000 is the zero bucket (x <= 0.001 ms).
        CREATE TABLE latency_buckets (
            environment TEXT    NOT NULL,
            service     TEXT    NOT NULL,
            minute      INTEGER NOT NULL,
            import_id   INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
            bucket      INTEGER NOT NULL,
            count       INTEGER NOT NULL,
            PRIMARY KEY (environment, service, minute, import_id, bucket)
        ) WITHOUT ROWID;

        -- Scaling activities and service events: a change of desired task count with its cause.
        CREATE TABLE scaling_events (
            environment TEXT    NOT NULL,
            service     TEXT    NOT NULL,
            ts          INTEGER NOT NULL,  -- UTC seconds
            source      TEXT    NOT NULL,  -- application-autoscaling | ecs-events
            import_id   INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
            from_count  INTEGER,
            to_count    INTEGER,
            cause       TEXT    NOT NULL,  -- cpu | requests | manual | unknown
            status      TEXT    NOT NULL,
            PRIMARY KEY (environment, service, ts, source)
        ) WITHOUT ROWID;

        CREATE INDEX usage_cost_by_import ON usage_cost(import_id);
        CREATE INDEX metric_points_by_import ON metric_points(import_id);
        CREATE INDEX latency_minutes_by_import ON latency_minutes(import_id);
        CREATE INDEX latency_buckets_by_import ON latency_buckets(import_id);
        CREATE INDEX scaling_events_by_import ON scaling_events(import_id);
        """,
        """
        -- Version 2: the seconds a latency_minutes row (and its latency_buckets) covers. Local
        -- imports write minutes (60); an hour-grain Athena result (scaling-impact athena-sql
        -- latency --grain hour) writes one row per hour (3600) at the hour's start.
        ALTER TABLE latency_minutes ADD COLUMN period_s INTEGER NOT NULL DEFAULT 60;
        """,
        """
        -- Version 3: latency_buckets is the largest table (a row per bucket per minute); an index
        -- on import_id doubled the cost of every import. Deletes go by its primary key prefix
        -- (environment, service, minute), and deleting a whole import scans it (rare).
        DROP INDEX IF EXISTS latency_buckets_by_import;
        """,
        """
        -- Version 4: a minute's bucket counts move into its latency_minutes row, as a JSON object
        -- {"bucket": count, ...}. A row per bucket made SQLite's B-tree the cost of every import
        -- (about 500,000 rows per million requests) and of every report; a minute's histogram is
        -- always read whole. latency_buckets stays, as a view, for queries by hand.
        CREATE TABLE latency_minutes_v4 (
            environment   TEXT    NOT NULL,
            service       TEXT    NOT NULL,
            minute        INTEGER NOT NULL,  -- UTC seconds at the start of the period
            import_id     INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
            period_s      INTEGER NOT NULL DEFAULT 60,  -- 60, or 3600 for an hour-grain Athena result
            request_count INTEGER NOT NULL,  -- every request, with or without a latency
            timed_count   INTEGER NOT NULL,  -- requests with a latency (those in the buckets)
            error_5xx     INTEGER NOT NULL,  -- 5xx responses and requests that never got a response
            sum_ms        REAL    NOT NULL,
            min_ms        REAL,
            max_ms        REAL,
            -- Log-spaced bucket counts as a JSON object, keys in ascending order: bucket k holds
            -- latencies x (ms) with ceil(ln(x)/ln(γ)) = k, γ = 1.005/0.995; k = -1000000 is the
            -- zero bucket (x <= 0.001 ms). The counts add up to timed_count.
            buckets       TEXT    NOT NULL DEFAULT '{}',
            PRIMARY KEY (environment, service, minute, import_id)
        ) WITHOUT ROWID;
        INSERT INTO latency_minutes_v4
        SELECT m.environment, m.service, m.minute, m.import_id, m.period_s, m.request_count, m.timed_count,
               m.error_5xx, m.sum_ms, m.min_ms, m.max_ms,
               COALESCE((SELECT json_group_object(CAST(o.bucket AS TEXT), o.count)
                         FROM (SELECT bucket, count FROM latency_buckets b
                               WHERE b.environment = m.environment AND b.service = m.service
                                 AND b.minute = m.minute AND b.import_id = m.import_id
                               ORDER BY bucket) AS o), '{}')
        FROM latency_minutes AS m;
        DROP TABLE latency_buckets;
        DROP TABLE latency_minutes;
        ALTER TABLE latency_minutes_v4 RENAME TO latency_minutes;
        CREATE INDEX latency_minutes_by_import ON latency_minutes(import_id);

        -- One row per (environment, service, minute, import, bucket), expanded from latency_minutes.buckets.
        CREATE VIEW latency_buckets AS
        SELECT m.environment, m.service, m.minute, m.import_id, CAST(j.key AS INTEGER) AS bucket, j.value AS count
        FROM latency_minutes AS m, json_each(m.buckets) AS j;
        """,
    ]

    /// The schema version this build writes.
    public static var currentVersion: Int { steps.count }

    /// Brings `database` to ``currentVersion``, each step in its own transaction.
    static func migrate(_ database: Database) throws(StorageError) {
        let version = try userVersion(database)
        if version > currentVersion {
            throw StorageError(
                resultCode: StorageError.schemaTooNewCode,
                message: "database schema version \(version) is newer than this build's \(currentVersion)",
                hint: "use a newer scaling-impact, or import into a fresh database with --db")
        }
        guard version < currentVersion else { return }
        do {
            // Under the write lock, read the version again: another process may have migrated
            // the database since the check above (two imports starting at once on a new file).
            try database.execute("BEGIN IMMEDIATE")
            let locked = try userVersion(database)
            if locked < currentVersion {
                for step in locked..<currentVersion {
                    try database.execute(steps[step])
                    try database.execute("PRAGMA user_version = \(step + 1)")
                }
            }
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// The database's `PRAGMA user_version`.
    public static func userVersion(_ database: Database) throws(StorageError) -> Int {
        let rows = try database.makeStatement("PRAGMA user_version").query()
        if case .integer(let v) = rows.first?.first { return Int(v) }
        return 0
    }
}
