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
    /// The lowest training loss of any epoch.
    public var bestTrainLoss: Double?
    /// The highest training accuracy of any epoch.
    public var bestTrainAccuracy: Double?
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
                    SELECT r.id, r.spec_json, r.spec_hash, r.training_data_id, r.validation_data_id,
                           (SELECT min(e.train_loss) FROM epochs e WHERE e.run_id = r.id) AS best_train_loss,
                           (SELECT max(e.train_accuracy) FROM epochs e WHERE e.run_id = r.id) AS best_train_accuracy
                    FROM runs r WHERE r.id IN (\(databaseQuestionMarks(count: chunk.count)))
                    """, arguments: StatementArguments(chunk))
                while let row = try rows.next() {
                    facts[row["id"]] = RunComparisonFacts(
                        specJSON: row["spec_json"], specHash: row["spec_hash"],
                        trainingDataID: row["training_data_id"], validationDataID: row["validation_data_id"],
                        bestTrainLoss: row["best_train_loss"], bestTrainAccuracy: row["best_train_accuracy"])
                }
            }
            return facts
        }
    }
}
