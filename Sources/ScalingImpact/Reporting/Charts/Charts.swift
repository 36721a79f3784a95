/// The report's charts: SVG files under `charts/`, linked from the Markdown by relative path.
public enum Charts {
    /// One chart.
    public struct Chart: Sendable, Equatable {
        /// File name inside `charts/`.
        public var fileName: String
        /// What it shows, for link text and alt text.
        public var title: String
        /// The SVG document.
        public var svg: String

        /// The path relative to the report folder.
        public var relativePath: String { "charts/" + fileName }
    }

    /// Every chart for `data`, in the order details.md shows them.
    public static func render(_ data: ReportData) -> [Chart] {
        [
            Chart(fileName: DailyCostChart.fileName, title: DailyCostChart.title, svg: DailyCostChart.render(data)),
            Chart(fileName: LatencyChart.fileName, title: LatencyChart.title, svg: LatencyChart.render(data)),
            Chart(fileName: RunningTasksChart.fileName, title: RunningTasksChart.title, svg: RunningTasksChart.render(data)),
            Chart(fileName: ScalingTimelineChart.fileName, title: ScalingTimelineChart.title, svg: ScalingTimelineChart.render(data)),
        ]
    }
}
