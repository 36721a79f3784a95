import Foundation

/// The JSON manifest AWS writes next to each CUR delivery (`<report>-Manifest.json`), met when a
/// billing folder synced from S3 is imported. It holds no line items: it is recognised so that the
/// folder imports without a rejected file, and its summary names the delivery it describes.
///
/// CUR is delivered again during the month (restated) into a new assembly folder; the newest
/// delivery's files should be imported with `--replace`, or older deliveries left out.
enum CURManifestParser {
    static func parse(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        let bytes = try ByteSource(path: context.path).readAll()
        guard let manifest = try CloudWatchParser.parseJSON(bytes, path: context.path) as? [String: Any] else {
            throw ImportError(.structure, path: context.path, message: "a CUR manifest is a JSON object")
        }
        let keys = (manifest["reportKeys"] as? [Any] ?? manifest["dataFiles"] as? [Any] ?? []).compactMap { $0 as? String }
        var text = "a CUR delivery manifest (no line items): it lists \(keys.count) report files"
        if let assembly = manifest["assemblyId"] as? String { text += " of delivery \(assembly)" }
        if let period = manifest["billingPeriod"] as? [String: Any], let start = period["start"] as? String,
            let end = period["end"] as? String
        {
            text += " for the billing period \(start) to \(end)"
        }
        text += "; import those files, the newest delivery with --replace"
        summary.warnings.append(text)
    }
}
