import Foundation
import GRDB

/// One row of the `run_summary` view: a run at a glance, with what its epochs say.
public struct RunSummary: Sendable, Equatable {
    /// Lowercase UUID (`id`).
    public var id: String
    /// First 8 hex characters of the id (`short_id`).
    public var shortID: String
    /// Human name (`name`).
    public var name: String
    /// Experiment or sweep group, if any (`group_name`).
    public var groupName: String?
    /// Life cycle state (`status`).
    public var status: RunStatus
    /// When the run was created (`created_at`); nil if the column holds no valid timestamp
    /// (edited by hand, say).
    public var createdAt: Date?
    /// When the run finished; nil while running, or if the column holds no valid timestamp (`finished_at`).
    public var finishedAt: Date?
    /// The hyperparameter columns.
    public var hyperparameters: Hyperparameters
    /// Training loss after the last epoch (`final_train_loss`).
    public var finalTrainLoss: Double?
    /// Training accuracy after the last epoch (`final_train_accuracy`).
    public var finalTrainAccuracy: Double?
    /// Validation loss after the last epoch (`final_validation_loss`).
    public var finalValidationLoss: Double?
    /// Validation accuracy after the last epoch (`final_validation_accuracy`).
    public var finalValidationAccuracy: Double?
    /// Highest validation accuracy of any epoch (`best_validation_accuracy`).
    public var bestValidationAccuracy: Double?
    /// First epoch that reached it (`best_validation_epoch`).
    public var bestValidationEpoch: Int?
    /// Lowest validation loss of any epoch (`lowest_validation_loss`).
    public var lowestValidationLoss: Double?
    /// Lowest training loss of any epoch (`lowest_train_loss`).
    public var lowestTrainLoss: Double?
    /// Highest training accuracy of any epoch (`best_train_accuracy`).
    public var bestTrainAccuracy: Double?
    /// Number of recorded epochs (`epochs_completed`).
    public var epochsCompleted: Int
    /// Seconds from start to finish, or to the last heartbeat while running (`duration_seconds`);
    /// nil when a timestamp it needs is not valid.
    public var durationSeconds: Double?
    /// Epoch where the loss stopped being finite (`diverged_at_epoch`).
    public var divergedAtEpoch: Int?
    /// Why the run failed or was interrupted (`error_message`).
    public var errorMessage: String?
    /// SHA-256 hex of the spec (`spec_hash`).
    public var specHash: String
    /// First epoch from which the training error is 0 and stays 0; nil if the last
    /// recorded epoch misclassifies a training point (`converged_at_epoch`).
    public var convergedAtEpoch: Int?
    /// SGD updates made by the end of that epoch (`converged_at_step`).
    public var convergedAtStep: Int?
}

extension RunSummary: FetchableRecord, TableRecord {
    public static let databaseTableName = "run_summary"

    public init(row: Row) throws {
        id = row["id"]
        shortID = row["short_id"]
        name = row["name"]
        groupName = row["group_name"]
        status = try row.runStatus(of: id)
        // A listing shows what it can: a timestamp edited into nonsense is shown as missing.
        createdAt = try? row.optionalTimestamp("created_at")
        finishedAt = try? row.optionalTimestamp("finished_at")
        hyperparameters = Hyperparameters(row: row)
        finalTrainLoss = row["final_train_loss"]
        finalTrainAccuracy = row["final_train_accuracy"]
        finalValidationLoss = row["final_validation_loss"]
        finalValidationAccuracy = row["final_validation_accuracy"]
        bestValidationAccuracy = row["best_validation_accuracy"]
        bestValidationEpoch = row["best_validation_epoch"]
        lowestValidationLoss = row["lowest_validation_loss"]
        lowestTrainLoss = row["lowest_train_loss"]
        bestTrainAccuracy = row["best_train_accuracy"]
        epochsCompleted = row["epochs_completed"]
        durationSeconds = row["duration_seconds"]
        divergedAtEpoch = row["diverged_at_epoch"]
        errorMessage = row["error_message"]
        specHash = row["spec_hash"]
        convergedAtEpoch = row["converged_at_epoch"]
        convergedAtStep = row["converged_at_step"]
    }
}

/// Which runs `ExperimentStore.runs(matching:)` lists: a run passes when it has one of the
/// statuses (if any are given), one of the groups (if any) and one of the tags (if any).
public struct RunFilter: Sendable, Equatable {
    /// Only runs in one of these states.
    public var statuses: [RunStatus]
    /// Only runs whose name or group contains one of these texts (case-insensitive).
    public var texts: [String]
    /// Only runs of exactly one of these groups.
    public var groups: [String]
    /// Only runs with one of these tags.
    public var tags: [RunTag]
    /// Only runs whose resolved spec gives each of these settings one of its values.
    public var settings: [SettingMatch]
    /// At most this many runs, newest first.
    public var limit: Int?

    public init(
        statuses: [RunStatus] = [], texts: [String] = [], groups: [String] = [], tags: [RunTag] = [],
        settings: [SettingMatch] = [], limit: Int? = nil
    ) {
        self.statuses = statuses
        self.texts = texts
        self.groups = groups
        self.tags = tags
        self.settings = settings
        self.limit = limit
    }

    /// The tags as a JSON array of [key, value] pairs, for binding.
    var tagsJSON: String {
        jsonText(tags.map { [$0.key, $0.value] })
    }
}

/// Runs whose resolved spec gives the setting at `path` ("model.hidden") one of `values`,
/// as tables show them: values that read as numbers match numerically (`7` matches 7 and
/// 7.0, `0.02` the learning rate 0.02), `none` a null, others as text (`he`), a file also
/// by its name (`train.csv` for the absolute path a spec stores).
public struct SettingMatch: Sendable, Equatable {
    public var path: String
    public var values: [String]

    public init(path: String, values: [String]) {
        self.path = path
        self.values = values
    }

    /// The JSON path of the setting in `spec_json`.
    var jsonPath: String { "$." + path }

    /// The values as a JSON array for `json_each`: numbers as numbers, `none` as null (and
    /// as the text, which a spec might hold too).
    var valuesJSON: String {
        "[" + values.map { value in
            if let integer = Int64(value) { return String(integer) }
            if let number = Double(value), number.isFinite { return "\(number)" }
            return value == "none" ? "null,\"none\"" : jsonText(value)
        }.joined(separator: ",") + "]"
    }

    /// The condition on `runs` (aliased `r`, joined with `json_each(valuesJSON)` as `v`), its
    /// arguments after `valuesJSON`: the path three times.
    static let condition = """
        CASE v.type WHEN 'null' THEN json_type(r.spec_json, ?) = 'null'
        ELSE json_extract(r.spec_json, ?) = v.value
             OR (v.type = 'text' AND substr(json_extract(r.spec_json, ?), -length(v.value) - 1) = '/' || v.value) END
        """
}
