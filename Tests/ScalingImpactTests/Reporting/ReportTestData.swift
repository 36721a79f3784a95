import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import ScalingImpact

/// Synthetic rollouts for the reporting tests: generated facts run through the real analysis,
/// so the reports are tested on realistic rows without a database or the slow demo.
enum ReportTestData {
    /// A name that breaks Markdown tables, HTML, XML and spreadsheets if anything is left unescaped.
    static let hostileEnvironment = "prod|<script>alert(\"x\")</script>&'eu'"
    /// A service name a spreadsheet would run as a formula.
    static let hostileService = "=HYPERLINK(\"http://x\",\"y\")|*_[a](b)"

    static let day: Int64 = 86_400
    static let start = UTCTime.seconds(year: 2026, month: 10, day: 1)

    /// Environments changing one day apart, 8 days after `start`.
    static func configuration(environments: [String], services: [String], criteria: Configuration.Criteria = .init()) -> Configuration {
        Configuration(
            environments: environments.enumerated().map { i, name in
                .init(name: name, region: "us-east-1", changeAt: start + Int64(8 + i) * day + 10 * 3600)
            },
            services: services.map { .init(name: $0, vcpu: 1, memoryGB: 2, minCapacity: 2, maxCapacity: 40) },
            prices: [.init(region: "us-east-1", vcpuHourUSD: 0.04048, gbHourUSD: 0.004445, takenOn: "2026-10-01", source: "test")],
            criteria: criteria, mappingRules: [])
    }

    /// Five-minute task counts, CPU, requests and 5xx, hourly latency histograms and billed cost
    /// for every series; after the change tasks rise by `taskFactor` and latency falls by
    /// `latencyFactor`; `flapping` services flap every ten minutes in their after window.
    static func facts(
        _ configuration: Configuration, taskFactor: Double = 1.1, latencyFactor: Double = 0.85, flapping: Set<String> = [],
        slowerServices: Set<String> = []
    ) -> Facts {
        var facts = Facts()
        let range = TimeSeries.loadRange(configuration)
        let price = 1 * 0.04048 + 2 * 0.004445
        for environment in configuration.environments {
            let (_, after) = configuration.windows(for: environment)
            for (serviceIndex, service) in configuration.services.enumerated() {
                let key = ServiceKey(environment: environment.name, service: service.name)
                var series = SeriesFacts()
                var running: [SeriesFacts.Point] = []
                var desired: [SeriesFacts.Point] = []
                var cpu: [SeriesFacts.Point] = []
                var requests: [SeriesFacts.Point] = []
                var errors: [SeriesFacts.Point] = []
                var t = range.start
                var step = 0
                while t < range.end {
                    let phase = Double((t % day)) / Double(day) * 2 * Double.pi
                    let base = Double(4 + 2 * serviceIndex) * (1 + 0.5 * max(0, sin(phase)))
                    let isAfter = t >= environment.changeAt
                    var tasks = (base * (isAfter ? taskFactor : 1)).rounded()
                    if flapping.contains(service.name) && after.contains(t) { tasks += Double(step % 2) }
                    running.append(.init(ts: t, period: 300, value: tasks))
                    desired.append(.init(ts: t, period: 300, value: tasks))
                    cpu.append(.init(ts: t, period: 300, value: 40 + 10 * sin(phase)))
                    requests.append(.init(ts: t, period: 300, value: 1000 + 500 * sin(phase)))
                    if step % 12 == 0 { errors.append(.init(ts: t, period: 300, value: 1)) }
                    t += 300
                    step += 1
                }
                series.metrics = [
                    "RunningTaskCount": running, "DesiredTaskCount": desired, "CPUUtilization": cpu, "RequestCount": requests,
                    "HTTPCode_Target_5XX_Count": errors,
                ]
                var hour = range.start
                var hourIndex = 0
                while hour < range.end {
                    var histogram = LatencyHistogram()
                    let factor = hour >= environment.changeAt ? (slowerServices.contains(service.name) ? 1.4 : latencyFactor) : 1
                    for i in 0..<40 { histogram.add((20 + Double(i * i) / 4 + Double(hour % 7)) * factor) }
                    series.latencyByHour[hour] = histogram
                    let points = running[min(running.count, hourIndex * 12)..<min(running.count, hourIndex * 12 + 12)]
                    series.billedCostByHour[hour] = points.map(\.value).reduce(0, +) / 12 * price
                    hour += 3600
                    hourIndex += 1
                }
                facts.series[key] = series
            }
        }
        return facts
    }

    /// The analysis and everything the reports need, from `facts`.
    static func reportData(
        _ configuration: Configuration, facts: Facts, activities: [ScalingActivity] = [], imports: [ImportRecord] = []
    ) -> ReportData {
        let result = Analyzer(configuration: configuration, bootstrap: BlockBootstrap(resamples: 60)).analyze(facts: facts)
        let timeSeries = TimeSeries(facts: facts, configuration: configuration)
        return ReportData(
            result: result, imports: imports, timeSeries: timeSeries,
            scalingEvents: ScalingEvents.make(timeSeries: timeSeries, activities: activities, configuration: configuration))
    }

    /// ``hostile()``, computed once for the tests that only read it.
    static let hostileData = hostile()

    /// A small rollout with hostile names: two environments, two services, one of them flapping.
    static func hostile() -> ReportData {
        let configuration = configuration(environments: ["staging", hostileEnvironment], services: ["web", hostileService])
        let imports = [
            ImportRecord(
                path: "exports/<b>|bill|</b>.csv", sha256: String(repeating: "ab", count: 32), format: "cur-legacy", rowsAccepted: 10,
                rowsRejected: 1, rowsUnmapped: 2, rowsIgnored: 3, costColumn: "lineItem/UnblendedCost", firstTs: start,
                lastTs: start + 3600)
        ]
        return reportData(configuration, facts: facts(configuration, flapping: [hostileService]), imports: imports)
    }
}

/// Checks that a document is well-formed XML with Foundation's parser.
final class XMLCheck: NSObject, XMLParserDelegate {
    private(set) var elements: [String] = []
    private(set) var texts: [String] = []
    private var current = ""

    /// Parses `text`; returns the parser's error, or nil when well-formed.
    static func parse(_ text: String) -> (error: (any Error)?, check: XMLCheck) {
        let check = XMLCheck()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = check
        let ok = parser.parse()
        return (ok ? nil : parser.parserError ?? CocoaError(.fileReadCorruptFile), check)
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        elements.append(elementName)
        current = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if elementName == "text" || elementName == "title" { texts.append(current) }
        current = ""
    }
}
