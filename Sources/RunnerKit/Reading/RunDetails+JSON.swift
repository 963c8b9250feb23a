import Foundation
import RunnerStore

extension RunDetails {
    /// Everything `runner show` knows about the run as one JSON object: its columns, tags,
    /// note, resolved spec, spec source, every epoch and the final weights. Numbers that are
    /// not finite (a diverged loss) are null; weights are also given as exact bit patterns.
    public func json() -> String {
        let key = run.hyperparameters
        func number(_ value: Double?) -> Any { value.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }
        func optional(_ value: Any?) -> Any { value ?? NSNull() }
        let object: [String: Any] = [
            "id": run.id, "short_id": run.shortID, "name": run.name, "group": optional(run.groupName),
            "status": run.status.rawValue, "diverged_at_epoch": optional(run.divergedAtEpoch),
            "error_message": optional(run.errorMessage), "note": optional(run.note),
            "created_at": Timestamp.string(from: run.createdAt), "started_at": Timestamp.string(from: run.startedAt),
            "finished_at": optional(run.finishedAt.map(Timestamp.string(from:))),
            "host": run.host, "pid": Int(run.pid), "program_version": run.programVersion,
            "tags": Dictionary(uniqueKeysWithValues: tags.map { ($0.key, $0.value) }),
            "spec": (try? JSONSerialization.jsonObject(with: Data(run.specJSON.utf8))) ?? run.specJSON,
            "spec_source": source.map { source -> Any in
                [
                    "path": source.path, "text": source.text, "overrides": source.overrides,
                    "git_commit": optional(source.gitCommit), "git_dirty": optional(source.gitDirty),
                ] as [String: Any]
            } ?? NSNull(),
            "data": [
                "dataset": key.dataset, "input_dimension": key.inputDimension,
                "train_size": key.trainSize, "validation_size": key.validationSize,
                "training_data_id": optional(run.trainingDataID), "validation_data_id": optional(run.validationDataID),
            ] as [String: Any],
            "final": [
                "train_loss": number(run.finalTrainLoss), "train_accuracy": number(run.finalTrainAccuracy),
                "validation_loss": number(run.finalValidationLoss), "validation_accuracy": number(run.finalValidationAccuracy),
            ],
            "epochs": epochs.map { epoch -> [String: Any] in
                [
                    "epoch": epoch.epoch, "train_loss": number(epoch.trainLoss), "train_accuracy": epoch.trainAccuracy,
                    "validation_loss": number(epoch.validationLoss), "validation_accuracy": number(epoch.validationAccuracy),
                    "elapsed_seconds": epoch.elapsedSeconds,
                ]
            },
            "weights": Dictionary(uniqueKeysWithValues: weights.map { tensor -> (String, Any) in
                (tensor.name.rawValue, [
                    "shape": tensor.shape, "values": tensor.values.map(number),
                    "bits": tensor.values.map { Int64(bitPattern: $0.bitPattern) },
                ] as [String: Any])
            }),
        ]
        // Every value above is a string, number, bool, null, array or object: it always serializes.
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
