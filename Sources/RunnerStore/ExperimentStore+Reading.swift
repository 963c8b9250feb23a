import Foundation
import GRDB

extension ExperimentStore {
    /// The summaries of the runs that pass `filter`, newest first.
    public func runs(matching filter: RunFilter = RunFilter()) throws(StoreError) -> [RunSummary] {
        try read { db in
            var request = Self.request(matching: filter).order(Column("created_at").desc, Column("id"))
            if let limit = filter.limit {
                request = request.limit(limit)
            }
            return try request.fetchAll(db)
        }
    }

    /// How many runs pass `filter`, its limit aside.
    public func countRuns(matching filter: RunFilter = RunFilter()) throws(StoreError) -> Int {
        // Counted on `runs`, not on the view, so no run's epochs are read.
        try read { db in try Self.request(matching: filter, from: "runs").fetchCount(db) }
    }

    /// The rows of `table` (`run_summary`, or `runs`, which has the same columns to filter on) that pass `filter`.
    private static func request(matching filter: RunFilter, from table: String = RunSummary.databaseTableName) -> QueryInterfaceRequest<RunSummary> {
        var request = Table<RunSummary>(table).all()
        if !filter.statuses.isEmpty {
            request = request.filter(filter.statuses.contains(Column("status")))
        }
        if !filter.groups.isEmpty {
            request = request.filter(filter.groups.contains(Column("group_name")))
        }
        if !filter.tags.isEmpty {
            // The tagged runs looked up by tag (index `run_tags_by_key`), not every run checked for them.
            request = request.filter(sql: """
                \(table).id IN (SELECT t.run_id FROM json_each(?) w JOIN run_tags t
                                 ON t.key = json_extract(w.value, '$[0]') AND t.value = json_extract(w.value, '$[1]'))
                """, arguments: [filter.tagsJSON])
        }
        for setting in filter.settings {
            request = request.filter(sql: """
                \(table).id IN (SELECT r.id FROM runs r JOIN json_each(?) v ON \(SettingMatch.condition))
                """, arguments: [setting.valuesJSON, setting.jsonPath, setting.jsonPath, setting.jsonPath])
        }
        if !filter.texts.isEmpty {
            let matches = filter.texts.map { text in
                // Escape LIKE's wildcards so "lr_0.1" or "50%" match literally.
                let literal = text.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_")
                let pattern = "%\(literal)%"
                return Column("name").like(pattern, escape: "\\") || Column("group_name").like(pattern, escape: "\\")
            }
            request = request.filter(matches.joined(operator: .or))
        }
        return request
    }

    /// The summaries of the runs of `group`, newest first.
    public func runs(inGroup group: String) throws(StoreError) -> [RunSummary] {
        try runs(matching: RunFilter(groups: [group]))
    }

    /// The names of the groups that hold runs, sorted.
    public func groupNames() throws(StoreError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT DISTINCT group_name FROM runs WHERE group_name IS NOT NULL ORDER BY group_name") }
    }

    /// The summaries of the referenced runs, in the order given, for side-by-side comparison.
    public func summaries(of references: [String]) throws(StoreError) -> [RunSummary] {
        try read { db in
            let ids = try references.map { try resolve($0, db) }
            // 500 at a time rather than one by one: a query of the view costs more than finding an id.
            var summaries: [String: RunSummary] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = ids[start..<min(ids.count, start + 500)]
                for summary in try RunSummary.filter(chunk.contains(Column("id"))).fetchAll(db) {
                    summaries[summary.id] = summary
                }
            }
            return ids.map { summaries[$0]! }
        }
    }

    /// The run named by its full id, or by a unique prefix (4+ characters) of its id or short id.
    public func run(_ reference: String) throws(StoreError) -> Run {
        try read { db in try Run.fetchOne(db, key: resolve(reference, db))! }
    }

    /// The recorded epochs of the referenced run, in order.
    public func epochs(of reference: String) throws(StoreError) -> [EpochRecord] {
        try read { db in
            try EpochRecord
                .filter(Column("run_id") == resolve(reference, db))
                .order(Column("epoch"))
                .fetchAll(db)
        }
    }

    /// The final weights of the referenced run, as tensors in the order Wi, bi, Wo, bo;
    /// empty if the run has not finished with weights. Values are bit-exact.
    public func weights(of reference: String) throws(StoreError) -> [WeightTensor] {
        try read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT tensor, row, col, bits FROM weights WHERE run_id = ?",
                arguments: [resolve(reference, db)])
            let cells = Dictionary(grouping: rows) { $0["tensor"] as TensorName }
            return TensorName.allCases.compactMap { name in
                cells[name].map { WeightTensor(name: name, cells: $0) }
            }
        }
    }

    /// The id of the run that `reference` names: a full id, or a unique prefix of at least
    /// 4 characters (short ids are prefixes of ids). Case does not matter.
    func resolve(_ reference: String, _ db: Database) throws -> String {
        let prefix = reference.lowercased()
        guard prefix.count >= 4 else { throw StoreError.referenceTooShort(reference: reference) }
        let candidates = try String.fetchAll(
            // A range on the primary key, so the lookup uses its index: ids are lowercase
            // hex digits and dashes, all below "~".
            db, sql: "SELECT id FROM runs WHERE id >= ?1 AND id < ?1 || '~' ORDER BY id LIMIT 10",
            arguments: [prefix])
        switch candidates.count {
        case 0: throw StoreError.runNotFound(reference: reference)
        case 1: return candidates[0]
        default: throw StoreError.ambiguousRunReference(reference: reference, candidates: candidates)
        }
    }
}

private extension WeightTensor {
    /// Rebuilds a tensor from its `weights` rows; the shape comes from the largest row and col.
    init(name: TensorName, cells: [Row]) {
        let rows = (cells.map { $0["row"] as Int }.max() ?? 0) + 1
        let cols = (cells.map { $0["col"] as Int }.max() ?? 0) + 1
        let shape = switch name.rank {
        case 2: [rows, cols]
        case 1: [rows]
        default: [Int]()
        }
        var values = [Double](repeating: .nan, count: rows * cols)
        for cell in cells {
            let bits: Int64 = cell["bits"]
            values[(cell["row"] as Int) * cols + (cell["col"] as Int)] = Double(bitPattern: UInt64(bitPattern: bits))
        }
        self.init(name: name, shape: shape, values: values)
    }
}
