import Foundation
import GRDB

/// Labelled points as the store keeps them: n points of d features, each labelled −1 or +1.
///
/// The store does not depend on the numerical core, so this mirrors its data
/// set as plain values: features flat and row-major, point i at `i·d ..< (i+1)·d`.
public struct StoredDataset: Sendable, Equatable {
    /// d, the features per point.
    public var dimension: Int
    /// Every feature, row-major.
    public var features: [Double]
    /// One label per point, −1 or +1.
    public var labels: [Double]

    public init(dimension: Int, features: [Double], labels: [Double]) {
        self.dimension = dimension
        self.features = features
        self.labels = labels
    }

    /// The points' features as JSON arrays of shortest round-trip decimals, one per point.
    var featureTexts: [String] {
        labels.indices.map { i in
            "[" + features[(i * dimension)..<((i + 1) * dimension)].map { "\($0)" }.joined(separator: ",") + "]"
        }
    }

    /// The data set's id, given its `featureTexts`: the SHA-256 of "d" and then
    /// "label:features" per point, one per line.
    func id(featureTexts: [String]) -> String {
        sha256Hex(([String(dimension)] + zip(labels, featureTexts).map { "\(Int($0)):\($1)" }).joined(separator: "\n"))
    }

    /// Why these values cannot be stored, if they cannot.
    func validate() throws(StoreError) {
        guard dimension >= 1, !labels.isEmpty, features.count == labels.count * dimension else {
            throw .invalidDataset(reason: "\(labels.count) labels and \(features.count) features do not make points of \(dimension) features")
        }
        guard labels.allSatisfy({ $0 == -1 || $0 == 1 }) else {
            throw .invalidDataset(reason: "labels must be -1 or +1")
        }
        guard features.allSatisfy(\.isFinite) else {
            throw .invalidDataset(reason: "features must be finite numbers")
        }
    }
}

/// A data set with its text and id computed, ready to insert: the work done
/// before taking the write lock, so the lock is held only for the inserts.
struct PreparedDataset {
    let dataset: StoredDataset
    let featureTexts: [String]
    let id: String

    init(_ dataset: StoredDataset) throws(StoreError) {
        try dataset.validate()
        self.dataset = dataset
        featureTexts = dataset.featureTexts
        id = dataset.id(featureTexts: featureTexts)
    }
}

/// The last few data sets a store prepared: the runs of a sweep share their points, which are
/// then hashed once rather than once per run.
final class PreparedDatasetCache: @unchecked Sendable {
    private let lock = NSLock()
    private var recent: [PreparedDataset] = []
    private let capacity = 8

    /// `dataset` prepared, from the cache when an equal one was prepared lately.
    func prepared(_ dataset: StoredDataset) throws(StoreError) -> PreparedDataset {
        if let hit = lock.withLock({ recent.first { $0.dataset == dataset } }) { return hit }
        let prepared = try PreparedDataset(dataset)
        lock.withLock {
            recent.insert(prepared, at: 0)
            if recent.count > capacity { recent.removeLast() }
        }
        return prepared
    }
}

extension ExperimentStore {
    /// Inserts `prepared` unless the same points are already stored; returns its id.
    func insert(_ prepared: PreparedDataset, _ db: Database) throws -> String {
        let (dataset, id) = (prepared.dataset, prepared.id)
        guard try !Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM datasets WHERE id = ?)"), arguments: [id])! else {
            return id
        }
        try db.execute(sql: "INSERT INTO datasets (id, dimension, points) VALUES (?, ?, ?)",
                       arguments: [id, dataset.dimension, dataset.labels.count])
        let statement = try db.makeStatement(sql: """
            INSERT INTO dataset_points (dataset_id, point, label, x1, x2, features) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for (point, text) in prepared.featureTexts.enumerated() {
            let offset = point * dataset.dimension
            let x2: Double? = dataset.dimension > 1 ? dataset.features[offset + 1] : nil
            try statement.execute(arguments: [id, point, Int(dataset.labels[point]), dataset.features[offset], x2, text])
        }
        return id
    }

    /// The training and validation points run `reference` used, or nil for runs recorded
    /// before data sets were stored (and for a run without validation set).
    public func datasets(of reference: String) throws(StoreError) -> (training: StoredDataset?, validation: StoredDataset?) {
        let run = try run(reference)
        return (try dataset(id: run.trainingDataID), try dataset(id: run.validationDataID))
    }

    /// The data set stored under `id` (see `Run.trainingDataID`), or nil for a nil id.
    ///
    /// Throws `invalidDataset` when its points no longer hash to its id.
    public func dataset(id: String?) throws(StoreError) -> StoredDataset? {
        try read { db in try dataset(id, db) }
    }

    private func dataset(_ id: String?, _ db: Database) throws -> StoredDataset? {
        guard let id, let dimension = try Int.fetchOne(db, sql: "SELECT dimension FROM datasets WHERE id = ?", arguments: [id]) else {
            return nil
        }
        var dataset = StoredDataset(dimension: dimension, features: [], labels: [])
        let rows = try Row.fetchCursor(db, sql: "SELECT label, features FROM dataset_points WHERE dataset_id = ? ORDER BY point", arguments: [id])
        while let row = try rows.next() {
            let text: String = row["features"]
            dataset.labels.append(Double(row["label"] as Int))
            dataset.features += text.dropFirst().dropLast().split(separator: ",").compactMap { Double($0) }
        }
        guard dataset.features.count == dataset.labels.count * dimension, dataset.id(featureTexts: dataset.featureTexts) == id else {
            throw StoreError.invalidDataset(reason: "the stored data set \(id.prefix(12)) no longer matches its id; it was changed outside runner")
        }
        return dataset
    }
}
