import Foundation
import ScalingImpact
import Testing

@Suite("Sample generator")
struct SampleGeneratorTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("generate-sample reproduces the committed sample-data byte for byte")
    func regeneratesCommittedSampleData() throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("sample-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temp) }
        let configuration = try Configuration.parse(Configuration.template)
        let files = try SampleGenerator(configuration: configuration).write(to: temp.path)
        #expect(files.count == 11)
        for file in files {
            let relative = String(file.dropFirst(temp.path.count + 1))
            let committed = try Data(contentsOf: Self.root.appendingPathComponent("sample-data").appendingPathComponent(relative))
            let generated = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(committed == generated, "sample-data/\(relative) is not what the generator writes")
        }
    }
}
