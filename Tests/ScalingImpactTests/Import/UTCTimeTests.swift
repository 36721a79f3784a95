import Testing

@testable import ScalingImpact

@Suite struct UTCTimeTests {
    // Expected seconds are computed independently with Python's `calendar.timegm`.

    @Test(arguments: [
        ("2026-10-13T10:00:00Z", Int64(1_791_885_600), Int64(0)),
        ("2026-10-13t10:00:00z", 1_791_885_600, 0),
        ("2026-10-13T10:00Z", 1_791_885_600, 0),
        ("2026-10-13T10:00:00", 1_791_885_600, 0),
        ("2024-09-29T22:10:00+00:00", 1_727_647_800, 0),
        ("2026-10-13T12:00:00+02:00", 1_791_885_600, 0),
        ("2026-10-13T12:00:00+0200", 1_791_885_600, 0),
        ("2026-10-13T05:30:00-04:30", 1_791_885_600, 0),
        ("2024-09-18 22:00:00", 1_726_696_800, 0),
        ("2024-09-18 22:00:00 UTC", 1_726_696_800, 0),
        ("2026-10-13T10:00:00.250Z", 1_791_885_600, 250_000_000),
        ("2026-10-13T10:00:00,5Z", 1_791_885_600, 500_000_000),
        ("2026-10-13T10:00:00.123456789Z", 1_791_885_600, 123_456_789),
        ("2022-07-01 00:00:00.000", 1_656_633_600, 0),
        ("2022-07-01", 1_656_633_600, 0),
        ("2024-02-29T00:00:00Z", 1_709_164_800, 0),
        ("2000-02-29T12:34:56Z", 951_827_696, 0),
        ("1970-01-01T00:00:00Z", 0, 0),
        ("2026-10-13T24:00:00Z", 1_791_936_000, 0),
        ("2016-12-31T23:59:60Z", 1_483_228_799, 0),
    ])
    func parsesExportTimestamps(text: String, seconds: Int64, nanoseconds: Int64) throws {
        let parsed = try #require(UTCTime.parse(text))
        #expect(parsed.seconds == seconds)
        #expect(parsed.nanoseconds == nanoseconds)
    }

    @Test(arguments: [
        "2026-02-30T10:00:00Z", "2025-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-10-00",
        "garbage", "", "2026", "2026-1-3", "26-10-13", "2026/10/13", "2026-10-13T25:00:00Z", "2026-10-13T24:00:01Z",
        "2026-10-13T10:60:00Z", "2026-10-13T10:00:61Z", "2026-10-13T10", "2026-10-13T10:00:00.Z",
        "2026-10-13T10:00:00+25:00", "2026-10-13T10:00:00Zjunk", "2026-10-13 10:00:00 GMT", "2026-10-13T10:00:00 ",
        "1551783627191", " 2026-10-13",
    ])
    func rejectsImpossibleDatesAndGarbage(text: String) {
        #expect(UTCTime.parse(text) == nil)
    }

    @Test(arguments: [
        Int64(0), 951_827_696, 1_709_164_800, 1_791_885_600, -86_400, -62_135_596_800, 253_402_300_799,
    ])
    func iso8601RoundTrips(seconds: Int64) throws {
        let text = UTCTime.iso8601(seconds)
        let parsed = try #require(UTCTime.parse(text))
        #expect(parsed.seconds == seconds)
        #expect(parsed.nanoseconds == 0)
    }

    @Test func formatsKnownTimes() {
        #expect(UTCTime.iso8601(1_791_885_600) == "2026-10-13T10:00:00Z")
        #expect(UTCTime.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(UTCTime.iso8601(-1) == "1969-12-31T23:59:59Z")
        #expect(UTCTime.iso8601(951_827_696) == "2000-02-29T12:34:56Z")
        #expect(UTCTime.iso8601(-62_135_596_800) == "0001-01-01T00:00:00Z")
        #expect(UTCTime.short(1_791_885_600) == "2026-10-13 10:00")
        #expect(UTCTime.date(1_791_885_600) == "2026-10-13")
        #expect(UTCTime.seconds(year: 2026, month: 10, day: 13, hour: 10) == 1_791_885_600)
        let f = UTCTime.fields(951_827_696)
        #expect([f.year, f.month, f.day, f.hour, f.minute, f.second] == [2000, 2, 29, 12, 34, 56])
    }

    @Test func everyDayOfALeapYearRoundTrips() throws {
        let start = UTCTime.seconds(year: 2024, month: 1, day: 1)
        var day = 0
        for month in 1...12 {
            #expect(UTCTime.daysInMonth(year: 2024, month: month) == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
            for dayOfMonth in 1...UTCTime.daysInMonth(year: 2024, month: month) {
                let seconds = start + Int64(day) * 86_400 + 3_723
                let f = UTCTime.fields(seconds)
                #expect([f.year, f.month, f.day, f.hour, f.minute, f.second] == [2024, month, dayOfMonth, 1, 2, 3])
                #expect(UTCTime.parse(UTCTime.iso8601(seconds))?.seconds == seconds)
                day += 1
            }
        }
        #expect(day == 366)
        #expect(UTCTime.seconds(year: 2025, month: 1, day: 1) == start + 366 * 86_400)
    }
}
