import Foundation
import GRDB

/// One row of `runs`: a training run, its resolved spec, lifecycle and final metrics.
public struct Run: Sendable, Equatable {
    /// Lowercase UUID (`id`).
    public var id: String
    /// First 8 hex characters of the id, unique (`short_id`).
    public var shortID: String
    /// Human name of the run (`name`).
    public var name: String
    /// Experiment or sweep the run belongs to, if any (`group_name`).
    public var groupName: String?
    /// Life cycle state (`status`).
    public var status: RunStatus
    /// When the row was inserted (`created_at`).
    public var createdAt: Date
    /// When training started (`started_at`).
    public var startedAt: Date
    /// When the run stopped for good; nil while running (`finished_at`).
    public var finishedAt: Date?
    /// Last sign of life of the training process (`heartbeat_at`).
    public var heartbeatAt: Date
    /// Canonical JSON of the fully resolved spec (`spec_json`).
    public var specJSON: String
    /// SHA-256 hex of `specJSON`: equal hashes mean equal specs (`spec_hash`).
    public var specHash: String
    /// The hyperparameter columns.
    public var hyperparameters: Hyperparameters
    /// Mean training loss after the last epoch (`final_train_loss`).
    public var finalTrainLoss: Double?
    /// Training accuracy after the last epoch (`final_train_accuracy`).
    public var finalTrainAccuracy: Double?
    /// Validation loss after the last epoch (`final_validation_loss`).
    public var finalValidationLoss: Double?
    /// Validation accuracy after the last epoch (`final_validation_accuracy`).
    public var finalValidationAccuracy: Double?
    /// The 1-based epoch where the loss stopped being finite (`diverged_at_epoch`).
    public var divergedAtEpoch: Int?
    /// Why the run failed or was interrupted (`error_message`).
    public var errorMessage: String?
    /// Version of the `runner` that trained it (`program_version`).
    public var programVersion: String
    /// Host name of the training process (`host`).
    public var host: String
    /// Process id of the training process (`pid`).
    public var pid: Int64
    /// PID namespace of the training process (`pid_namespace`); nil where unknown.
    public var pidNamespace: String?
    /// The data set it trained on (`training_data_id`); nil for runs recorded before data sets were stored.
    public var trainingDataID: String?
    /// The data set it was validated on (`validation_data_id`), if any.
    public var validationDataID: String?
    /// The spec file it came from (`spec_source_id`); nil for runs recorded before spec files were stored.
    public var specSourceID: String?
    /// The user's note on it (`note`), set with `runner note`.
    public var note: String?
}

extension Run: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "runs"

    public init(row: Row) throws {
        id = row["id"]
        shortID = row["short_id"]
        name = row["name"]
        groupName = row["group_name"]
        status = try row.runStatus(of: id)
        do {
            createdAt = try row.timestamp("created_at")
            startedAt = try row.timestamp("started_at")
            finishedAt = try row.optionalTimestamp("finished_at")
            heartbeatAt = try row.timestamp("heartbeat_at")
        } catch var error as ColumnDecodingError {
            error.runID = id
            throw error
        }
        specJSON = row["spec_json"]
        specHash = row["spec_hash"]
        hyperparameters = Hyperparameters(row: row)
        finalTrainLoss = row["final_train_loss"]
        finalTrainAccuracy = row["final_train_accuracy"]
        finalValidationLoss = row["final_validation_loss"]
        finalValidationAccuracy = row["final_validation_accuracy"]
        divergedAtEpoch = row["diverged_at_epoch"]
        errorMessage = row["error_message"]
        programVersion = row["program_version"]
        host = row["host"]
        pid = row["pid"]
        pidNamespace = row["pid_namespace"]
        trainingDataID = row["training_data_id"]
        validationDataID = row["validation_data_id"]
        specSourceID = row["spec_source_id"]
        note = row["note"]
    }

    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["short_id"] = shortID
        container["name"] = name
        container["group_name"] = groupName
        container["status"] = status
        container["created_at"] = Timestamp.string(from: createdAt)
        container["started_at"] = Timestamp.string(from: startedAt)
        container["finished_at"] = finishedAt.map(Timestamp.string(from:))
        container["heartbeat_at"] = Timestamp.string(from: heartbeatAt)
        container["spec_json"] = specJSON
        container["spec_hash"] = specHash
        hyperparameters.encode(to: &container)
        container["final_train_loss"] = finalTrainLoss
        container["final_train_accuracy"] = finalTrainAccuracy
        container["final_validation_loss"] = finalValidationLoss
        container["final_validation_accuracy"] = finalValidationAccuracy
        container["diverged_at_epoch"] = divergedAtEpoch
        container["error_message"] = errorMessage
        container["program_version"] = programVersion
        container["host"] = host
        container["pid"] = pid
        container["pid_namespace"] = pidNamespace
        container["training_data_id"] = trainingDataID
        container["validation_data_id"] = validationDataID
        container["spec_source_id"] = specSourceID
        container["note"] = note
    }
}

extension Row {
    /// The instant stored as text in `column`; throws for text that is not one.
    func timestamp(_ column: String) throws -> Date {
        guard let date = try optionalTimestamp(column) else {
            throw ColumnDecodingError(column: column, text: nil, expected: ColumnDecodingError.timestamp)
        }
        return date
    }

    /// The instant stored as text in `column`, nil for NULL.
    func optionalTimestamp(_ column: String) throws -> Date? {
        guard let text: String = self[column] else { return nil }
        guard let date = Timestamp.date(from: text) else {
            throw ColumnDecodingError(column: column, text: text, expected: ColumnDecodingError.timestamp)
        }
        return date
    }

    /// The `status` of run `runID`; throws for a value the schema's CHECK would refuse,
    /// which `PRAGMA ignore_check_constraints` lets in.
    func runStatus(of runID: String) throws -> RunStatus {
        let text: String? = self["status"]
        guard let status = text.flatMap(RunStatus.init(rawValue:)) else {
            let statuses = RunStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw ColumnDecodingError(column: "status", text: text, expected: "one of \(statuses)", runID: runID)
        }
        return status
    }
}

/// A column of `runs` holding a value runner cannot read, written there by hand: a
/// timestamp that is not `YYYY-MM-DDTHH:MM:SS.mmmZ`, a status the schema does not know.
struct ColumnDecodingError: Error, CustomStringConvertible {
    static let timestamp = "a timestamp like 2026-11-29T04:30:00.123Z"

    let column: String
    let text: String?
    /// What the column must hold.
    let expected: String
    /// The run whose row holds it, once known.
    var runID: String?

    var description: String {
        let value = "column \(column) holds \(text.map { "\"\($0)\"" } ?? "NULL"), not \(expected)"
        guard let runID else { return value }
        return "run \(runID.prefix(8)): \(value); correct it with sqlite3 (UPDATE runs SET \(column) = '…' WHERE id = '\(runID)')"
    }
}
