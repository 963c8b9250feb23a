import Foundation
import Testing

extension Sandbox {
    /// Runs statements with sqlite3 (foreign keys off, as sqlite3 starts).
    func execute(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        _ = try sqlite(sql, sourceLocation: sourceLocation)
    }

    /// Gives the database's runs (oldest first) these ids, with their epochs and weights.
    func renameRuns(to ids: [String]) throws {
        let old = try existingRunIDs()
        try #require(old.count == ids.count)
        var sql = ""
        for (from, to) in zip(old, ids) {
            sql += """
                UPDATE runs SET id = '\(to)', short_id = '\(to.prefix(8))' WHERE id = '\(from)';
                UPDATE epochs SET run_id = '\(to)' WHERE run_id = '\(from)';
                UPDATE weights SET run_id = '\(to)' WHERE run_id = '\(from)';

                """
        }
        try execute(sql)
    }

    /// Inserts a copy of run `id` as a run that is still running (in this test's process), without weights
    /// or final metrics, with the given learning rate, and with copies of the original's epochs if asked.
    func insertRunningCopy(of id: String, as newID: String, learningRate: Double? = nil, withEpochs: Bool = false) throws {
        try execute("""
            CREATE TEMP TABLE copy AS SELECT * FROM runs WHERE id = '\(id)';
            UPDATE copy SET id = '\(newID)', short_id = '\(newID.prefix(8))', status = 'running',
              finished_at = NULL, final_train_loss = NULL, final_train_accuracy = NULL,
              final_validation_loss = NULL, final_validation_accuracy = NULL, pid = \(getpid())
              \(learningRate.map { ", learning_rate = \($0)" } ?? "");
            INSERT INTO runs SELECT * FROM copy;
            \(withEpochs ? "INSERT INTO epochs SELECT '\(newID)', epoch, train_loss, train_accuracy, validation_loss, validation_accuracy, elapsed_seconds FROM epochs WHERE run_id = '\(id)';" : "")
            """)
    }
}
