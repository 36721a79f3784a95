extension DetailsReport {
    /// Control environments and difference-in-differences.
    ///
    /// Kept in its own file so the statistics that compare the changed environments with
    /// unchanged ones can fill it in without touching the rest of the document.
    static func controlsSection(_ result: AnalysisResult) -> String {
        var md = "## Control environments and difference-in-differences\n\n"
        md += "The figures above compare each environment's after window with its own before window only; no comparison with "
        md += "control environments is shown, so anything else that changed between the two windows (traffic mix, releases, prices) "
        md += "is part of each change. Because the rollout was staggered, an environment that had not changed yet can serve as a "
        md += "control for one that had.\n\n"
        return md
    }
}
