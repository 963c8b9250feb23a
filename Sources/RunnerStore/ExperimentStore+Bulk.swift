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
    /// epoch: the curves of a setting over its seeds.
    ///
    /// Each mean sums its values in ascending order, so it has the same bits whatever
    /// order the runs were made in or are stored in (a sweep trained with more jobs,
    /// or merged from shards, draws the same curves).
    public func epochSpreads(of ids: [String]) throws(StoreError) -> [EpochSpread] {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT epoch, train_loss, train_accuracy, validation_loss, validation_accuracy FROM epochs
                WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY epoch
                """, arguments: ["[" + ids.map { "\"\($0)\"" }.joined(separator: ",") + "]"])
            var spreads: [EpochSpread] = []
            var epoch: Int?
            var values: [[Double]] = Array(repeating: [], count: 4)
            func flush() {
                guard let epoch else { return }
                let spread = values.map { metric -> EpochSpread.Spread? in
                    let sorted = metric.sorted()
                    guard let low = sorted.first, let high = sorted.last else { return nil }
                    return EpochSpread.Spread(mean: sorted.reduce(0, +) / Double(sorted.count), low: low, high: high)
                }
                spreads.append(EpochSpread(epoch: epoch, trainLoss: spread[0], trainAccuracy: spread[1], validationLoss: spread[2], validationAccuracy: spread[3]))
                values = Array(repeating: [], count: 4)
            }
            while let row = try rows.next() {
                let rowEpoch: Int = row[0]
                if rowEpoch != epoch { flush(); epoch = rowEpoch }
                for metric in 0..<4 { if let value: Double = row[metric + 1] { values[metric].append(value) } }
            }
            flush()
            return spreads
        }
    }
}
