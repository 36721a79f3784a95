import Foundation
import Testing

@testable import ScalingImpact

@Suite struct DatabaseTests {
    static let schemaTables = [
        "imports", "latency_minutes", "metric_points", "scaling_events", "usage_cost",
    ]

    func tableNames(_ database: Database) throws -> [String] {
        try database.makeStatement("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").query()
            .compactMap { row in
                if case .text(let name) = row.first { return name }
                return nil
            }
    }

    @Test func inMemoryDatabaseIsMigratedToTheCurrentVersion() throws {
        let database = try Database(path: ":memory:")
        #expect(database.path == ":memory:")
        #expect(Migrations.currentVersion == Migrations.steps.count)
        #expect(Migrations.currentVersion >= 1)
        #expect(try Migrations.userVersion(database) == Migrations.currentVersion)
        #expect(try tableNames(database) == Self.schemaTables)
        // WAL is only for files; an in-memory database keeps SQLite's "memory" journal.
        #expect(try database.makeStatement("PRAGMA journal_mode").query() == [[.text("memory")]])
        #expect(try database.makeStatement("PRAGMA foreign_keys").query() == [[.integer(1)]])
    }

    @Test func fileDatabaseUsesWALAndKeepsItsDataAcrossConnections() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("impact.sqlite")
        do {
            let database = try Database(path: path)
            #expect(try database.makeStatement("PRAGMA journal_mode").query() == [[.text("wal")]])
            #expect(try Migrations.userVersion(database) == Migrations.currentVersion)
            try database.makeStatement(
                """
                INSERT INTO imports (path, sha256, format, rows_accepted, rows_rejected, imported_at)
                VALUES ('a.csv', 'abc', 'jmeter-jtl', 3, 0, 1760000000)
                """
            ).run()
            #expect(database.changes == 1)
            #expect(database.lastInsertRowID == 1)
        }
        #expect(FileManager.default.fileExists(atPath: path))
        let reopened = try Database(path: path)
        #expect(try Migrations.userVersion(reopened) == Migrations.currentVersion)
        #expect(try reopened.makeStatement("PRAGMA journal_mode").query() == [[.text("wal")]])
        #expect(
            try reopened.makeStatement("SELECT path, sha256, rows_accepted FROM imports").query()
                == [[.text("a.csv"), .text("abc"), .integer(3)]])
        #expect(try tableNames(reopened) == Self.schemaTables)
    }

    @Test func readOnlyConnectionSeesTheSchemaWithoutMigrating() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("impact.sqlite")
        _ = try Database(path: path)
        let readOnly = try Database(path: path, readOnly: true)
        #expect(try Migrations.userVersion(readOnly) == Migrations.currentVersion)
        let error = #expect(throws: StorageError.self) {
            try readOnly.execute("DELETE FROM imports")
        }
        #expect(error.map { $0.resultCode & 0xFF } == 8)  // SQLITE_READONLY
        #expect(error?.hint?.contains("read-only") == true)
    }

    @Test func databaseFromANewerBuildIsRejectedNamingItsVersion() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("future.sqlite")
        let newer = Migrations.currentVersion + 1
        do {
            let database = try Database(path: path)
            try database.execute("PRAGMA user_version = \(newer)")
        }
        let error = #expect(throws: StorageError.self) {
            try Database(path: path)
        }
        #expect(error?.description.contains("version \(newer)") == true)
        #expect(error?.description.contains("\(Migrations.currentVersion)") == true)
        #expect(error?.hint != nil)
    }

    @Test func openingInAMissingFolderFailsWithAHintNamingThePath() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("no-such-folder/impact.sqlite")
        let error = #expect(throws: StorageError.self) {
            try Database(path: path)
        }
        #expect(error?.description.contains(path) == true)
    }

    @Test func cachedStatementIsReusedAndRebound() throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t (a INTEGER, b TEXT, c REAL)")
        let sql = "INSERT INTO t (a, b, c) VALUES (?, ?, ?)"
        let first = try database.cachedStatement(sql)
        try first.run([.integer(1), .text("one"), .real(1.5)])
        let second = try database.cachedStatement(sql)
        #expect(first === second)
        #expect(second.sql == sql)
        try second.run([.integer(2), .text("twö ✓"), .null])
        // The unboxed binders used on the import hot path.
        let third = try database.cachedStatement(sql)
        third.bind(Int64(3), at: 1)
        third.bind("three", at: 2)
        third.bind(0.25, at: 3)
        try third.run()
        // Fetching the statement from the cache resets it and clears the earlier bindings.
        let fourth = try database.cachedStatement(sql)
        try fourth.bind(.integer(4), at: 1)
        let cleared = try database.cachedStatement(sql)
        try cleared.run()
        #expect(
            try database.makeStatement("SELECT a, b, c FROM t ORDER BY rowid").query() == [
                [.integer(1), .text("one"), .real(1.5)],
                [.integer(2), .text("twö ✓"), .null],
                [.integer(3), .text("three"), .real(0.25)],
                [.null, .null, .null],
            ])
        // A fresh statement is a different object from the cached one.
        #expect(try database.makeStatement(sql) !== first)
    }

    @Test func queryBindsParametersAndRowsReadTypedColumns() throws {
        let database = try Database(path: ":memory:")
        try database.execute(
            """
            CREATE TABLE t (k TEXT, v REAL);
            INSERT INTO t VALUES ('a', 1.25), ('b', NULL), ('c', 3);
            """)
        let statement = try database.cachedStatement("SELECT k, v FROM t WHERE k >= ? ORDER BY k")
        #expect(try statement.query([.text("b")]) == [[.text("b"), .null], [.text("c"), .real(3)]])
        #expect(try statement.query([.text("c")]) == [[.text("c"), .real(3)]])
        var seen: [String] = []
        var optionals: [Double?] = []
        try statement.forEachRow([.text("a")]) { row in
            #expect(row.count == 2)
            seen.append(row.string(0))
            optionals.append(row.optionalDouble(1))
            #expect(row.isNull(1) == (row.string(0) == "b"))
        }
        #expect(seen == ["a", "b", "c"])
        #expect(optionals == [1.25, nil, 3])
    }

    @Test func transactionCommitsWhenTheBodyReturns() throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t (a INTEGER)")
        let value = try database.transaction {
            try database.cachedStatement("INSERT INTO t VALUES (?)").run([.integer(7)])
            try database.cachedStatement("INSERT INTO t VALUES (?)").run([.integer(8)])
            return "done"
        }
        #expect(value == "done")
        #expect(try database.integer("SELECT SUM(a) FROM t") == 15)
    }

    struct Abort: Error, Equatable {}

    @Test func transactionRollsBackWhenTheBodyThrows() throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t (a INTEGER)")
        #expect(throws: Abort()) {
            try database.transaction {
                try database.cachedStatement("INSERT INTO t VALUES (?)").run([.integer(1)])
                try database.cachedStatement("INSERT INTO t VALUES (?)").run([.integer(2)])
                #expect(try database.integer("SELECT COUNT(*) FROM t") == 2)
                throw Abort()
            }
        }
        #expect(try database.integer("SELECT COUNT(*) FROM t") == 0)
        // The connection is usable again: no transaction was left open.
        try database.transaction { try database.execute("INSERT INTO t VALUES (3)") }
        #expect(try database.integer("SELECT COUNT(*) FROM t") == 1)
    }

    @Test func badStatementErrorCarriesItsSQL() throws {
        let database = try Database(path: ":memory:")
        let sql = "SELEC name FROM imports"
        let error = #expect(throws: StorageError.self) {
            try database.makeStatement(sql)
        }
        #expect(error?.sql == sql)
        #expect(error?.resultCode == 1)  // SQLITE_ERROR
        #expect(error?.message.contains("syntax error") == true)
        #expect(error?.description.contains("SQL: \(sql)") == true)

        let executeError = #expect(throws: StorageError.self) {
            try database.execute("DROP TABLE no_such_table")
        }
        #expect(executeError?.sql == "DROP TABLE no_such_table")
        #expect(executeError?.message.contains("no_such_table") == true)
    }

    @Test func constraintViolationReportsTheStatementAndExtendedCode() throws {
        let database = try Database(path: ":memory:")
        let insert = try database.cachedStatement(
            """
            INSERT INTO imports (path, sha256, format, rows_accepted, rows_rejected, imported_at)
            VALUES (?, ?, 'jmeter-jtl', 0, 0, 0)
            """)
        try insert.run([.text("a.csv"), .text("same")])
        let error = #expect(throws: StorageError.self) {
            try insert.run([.text("b.csv"), .text("same")])
        }
        #expect(error?.resultCode == 2067)  // SQLITE_CONSTRAINT_UNIQUE
        #expect(error?.sql?.contains("INSERT INTO imports") == true)
        #expect(error?.description.contains("imports.sha256") == true)
        // The failed statement can run again with good values.
        try insert.run([.text("b.csv"), .text("other")])
        #expect(try database.integer("SELECT COUNT(*) FROM imports") == 2)
    }

    @Test func storageErrorDescriptionJoinsItsParts() {
        let error = StorageError(
            resultCode: 5, message: "database is locked", sql: "INSERT INTO t\n  VALUES (1)", hint: "wait")
        #expect(error.description == "SQLite error 5: database is locked (SQL: INSERT INTO t VALUES (1)). wait")
        #expect(StorageError(resultCode: 1, message: "m").description == "SQLite error 1: m")
    }
}
