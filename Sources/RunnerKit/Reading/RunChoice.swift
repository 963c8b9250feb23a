import RunnerStore

/// Which runs a reading command works on: named ones, a group, the most
/// recent ones, or by default the group of the most recent run.
public enum RunChoice: Sendable, Equatable {
    /// Runs by full id or unique prefix, in the order given.
    case ids([String])
    /// Every run of a group (a sweep).
    case group(String)
    /// The N most recent runs.
    case last(Int)
    /// The group of the most recent run (or that run alone, if it has none).
    case latestGroup

    /// The chosen runs: in the order given for ids, otherwise oldest first.
    ///
    /// - Throws: `RunChoiceError` when the choice selects nothing, or a
    ///   `StoreError` for an unknown or ambiguous id.
    public func summaries(in store: ExperimentStore) throws -> [RunSummary] {
        switch self {
        case .ids(let references):
            return try store.summaries(of: references)
        case .group(let name):
            let runs = try store.runs(inGroup: name)
            guard !runs.isEmpty else { throw RunChoiceError.emptyGroup(name) }
            return runs.reversed()
        case .last(let count):
            return try store.runs(matching: RunFilter(limit: count)).reversed()
        case .latestGroup:
            guard let latest = try store.runs(matching: RunFilter(limit: 1)).first else {
                throw RunChoiceError.noRuns(path: store.path)
            }
            guard let group = latest.groupName else { return [latest] }
            return try store.runs(inGroup: group).reversed()
        }
    }
}

/// Why a choice of runs selects nothing.
public enum RunChoiceError: Error, Equatable, CustomStringConvertible {
    case emptyGroup(String)
    case noRuns(path: String)

    public var description: String {
        switch self {
        case .emptyGroup(let name):
            "no runs in group '\(name)'; `runner list` shows the groups there are"
        case .noRuns(let path):
            "the database \(path) has no runs yet; start one with `runner run SPEC`"
        }
    }
}
