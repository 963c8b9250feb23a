import Foundation

/// The project's own folder, for tests that use its files (specs, migrations).
enum Project {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The number of migration files in migrations/.
    static var migrationCount: Int {
        let files = try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("migrations").path)
        return files?.filter { $0.hasSuffix(".sql") }.count ?? 0
    }
}
