import Testing

@testable import ScalingImpact

@Suite struct NumberParserTests {
    static func int(_ text: String) -> Int64? {
        var copy = text
        return copy.withUTF8 { NumberParser.int($0) }
    }

    static func isNull(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { NumberParser.isNull($0) }
    }

    @Test(arguments: [
        ("0", Int64(0)),
        ("42", 42),
        ("-7", -7),
        ("+5", 5),
        ("007", 7),
        ("1551783627191", 1_551_783_627_191),
        ("999999999999999999", 999_999_999_999_999_999),
        ("-999999999999999999", -999_999_999_999_999_999),
    ])
    func parsesIntegers(text: String, value: Int64) {
        #expect(Self.int(text) == value)
        #expect(NumberParser.double(text) == Double(value))
    }

    @Test(arguments: ["", "-", "+", "1.0", " 1", "1 ", "1e3", "1,000", "12a", "0x10", "١٢", "9999999999999999999"])
    func rejectsNonIntegers(text: String) {
        #expect(Self.int(text) == nil)
    }

    @Test(arguments: [
        ("-0.5", -0.5),
        ("3.25", 3.25),
        ("0.004445", 0.004445),
        ("1.5e-3", 0.0015),
        ("1E2", 100),
        ("-2.5E+1", -25),
        (".5", 0.5),
        ("5.", 5),
        ("12345678901234567890", 1.2345678901234567e19),
        ("0.0000001", 1e-7),
    ])
    func parsesDoubles(text: String, value: Double) {
        #expect(NumberParser.double(text) == value)
    }

    @Test(arguments: [
        "", " ", "nan", "NaN", "inf", "-inf", "Infinity", "1,5", "1.234,5", "1 000", " 1.5", "1.5 ", "1.2.3", "--1",
        "e5", ".", "-", "+", "0x1p3", "1e999", "-1e999", "12ms", "١٫٥",
    ])
    func rejectsNonNumbers(text: String) {
        #expect(NumberParser.double(text) == nil)
    }

    @Test(arguments: [
        ("", true), ("-", true), ("N/A", true), ("NULL", true), ("null", true), ("Null", true),
        ("0", false), ("n/a", false), ("NA", false), ("nil", false), ("none", false), ("--", false), (" ", false),
    ])
    func recognisesNullSpellings(text: String, isNull: Bool) {
        #expect(Self.isNull(text) == isNull)
    }
}
