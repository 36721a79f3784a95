extension DetailsReport {
    /// Control environments and difference-in-differences.
    ///
    /// Kept in its own file so the statistics that compare the changed environments with
    /// unchanged ones can fill it in without touching the rest of the document.
    static func controlsSection(_ result: AnalysisResult) -> String {
        var md = "## Control environments and difference-in-differences\n\n"
        md += "No control environment is configured, so every change above is after vs before only: anything else that changed "
        md += "between the two windows (traffic mix, releases, prices) is part of it. "
        md += "Because the rollout was staggered, an environment that had not changed yet can serve as a control for one that had.\n\n"
        return md
    }
}
