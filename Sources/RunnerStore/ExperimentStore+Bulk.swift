import GRDB

/// What a side-by-side comparison needs of a run beyond its `RunSummary`.
public struct RunComparisonFacts: Sendable, Equatable {
    /// The resolved spec (`spec_json`).
    public var specJSON: String
    /// SHA-256 hex of the spec (`spec_hash`).
    public var specHash: String
    /// The stored training points (`training_data_id`), if any.
    public var trainingDataID: String?
    /// The stored validation points (`validation_data_id`), if any.
    public var validationDataID: String?
}

extension ExperimentStore {
    /// The comparison facts of the runs with the full ids `ids`, by id, read in
    /// a few queries however many runs there are (one per 500 ids).
    public func comparisonFacts(of ids: [String]) throws(StoreError) -> [String: RunComparisonFacts] {
        try read { db in
            var facts: [String: RunComparisonFacts] = [:]
            facts.reserveCapacity(ids.count)
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(ids.count, start + 500)])
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT id, spec_json, spec_hash, training_data_id, validation_data_id
                    FROM runs WHERE id IN (\(databaseQuestionMarks(count: chunk.count)))
                    """, arguments: StatementArguments(chunk))
                while let row = try rows.next() {
                    facts[row["id"]] = RunComparisonFacts(
                        specJSON: row["spec_json"], specHash: row["spec_hash"],
                        trainingDataID: row["training_data_id"], validationDataID: row["validation_data_id"])
                }
            }
            return facts
        }
    }
}

/// The mean, lowest and highest of each metric over several runs at one epoch.
public struct EpochSpread: Sendable, Equatable {
    /// A metric's mean, lowest and highest value over the runs that recorded it.
    public struct Spread: Sendable, Equatable {
        public var mean: Double
        public var low: Double
        public var high: Double
    }

    public var epoch: Int
    public var trainLoss: Spread?
    public var trainAccuracy: Spread?
    public var validationLoss: Spread?
    public var validationAccuracy: Spread?
}

extension ExperimentStore {
    /// The spread of every metric over the runs with the full ids `ids`, epoch by
    /// epoch, computed by SQLite in one query: the curves of a setting over its seeds.
    public func epochSpreads(of ids: [String]) throws(StoreError) -> [EpochSpread] {
        // In one order whatever order the runs come in, so that the means have the same bits.
        let list = "[" + ids.sorted().map { "\"\($0)\"" }.joined(separator: ",") + "]"
        return try read { db in
            let metrics = ["train_loss", "train_accuracy", "validation_loss", "validation_accuracy"]
            let columns = metrics.map { "avg(\($0)), min(\($0)), max(\($0))" }.joined(separator: ", ")
            let rows = try Row.fetchAll(db, sql: """
                SELECT epoch, \(columns) FROM epochs
                WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY epoch ORDER BY epoch
                """, arguments: [list])
            return rows.map { row in
                func spread(_ metric: Int) -> EpochSpread.Spread? {
                    let base = 1 + 3 * metric
                    guard let mean: Double = row[base], let low: Double = row[base + 1], let high: Double = row[base + 2] else { return nil }
                    return EpochSpread.Spread(mean: mean, low: low, high: high)
                }
                return EpochSpread(epoch: row[0], trainLoss: spread(0), trainAccuracy: spread(1), validationLoss: spread(2), validationAccuracy: spread(3))
            }
        }
    }
}
