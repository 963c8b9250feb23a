import RunnerStore

/// Which runs a command works on: named ones, whole groups, runs with a tag or a
/// status, the most recent ones, or all of these together (their union). With
/// nothing chosen, reading commands take the group of the most recent run.
public struct RunChoice: Sendable, Equatable {
    /// Runs by full id or unique prefix.
    public var ids: [String]
    /// Every run of these groups (sweeps).
    public var groups: [String]
    /// Every run with one of these tags.
    public var tags: [RunTag]
    /// Every run in one of these states.
    public var statuses: [RunStatus]
    /// The N most recent runs.
    public var last: Int?

    public init(ids: [String] = [], groups: [String] = [], tags: [RunTag] = [], statuses: [RunStatus] = [], last: Int? = nil) {
        self.ids = ids
        self.groups = groups
        self.tags = tags
        self.statuses = statuses
        self.last = last
    }

    /// True when no selector is given.
    public var isEmpty: Bool {
        ids.isEmpty && groups.isEmpty && tags.isEmpty && statuses.isEmpty && last == nil
    }

    /// The chosen runs, each once: the ids in the order given, then the other runs oldest first.
    /// With nothing chosen, the group of the most recent run (or that run alone, if it has none).
    ///
    /// - Throws: `RunChoiceError` naming a selector that matches no run, or a
    ///   `StoreError` for an unknown or ambiguous id.
    public func summaries(in store: ExperimentStore) throws -> [RunSummary] {
        if isEmpty {
            guard let latest = try store.runs(matching: RunFilter(limit: 1)).first else {
                throw RunChoiceError.noRuns(path: store.path)
            }
            guard let group = latest.groupName else { return [latest] }
            return try store.runs(inGroup: group).reversed()
        }
        var named = try store.summaries(of: ids)
        var others: [RunSummary] = []
        func add(_ runs: [RunSummary], orElse error: RunChoiceError) throws {
            guard !runs.isEmpty else { throw error }
            others += runs
        }
        for group in groups {
            let runs = try store.runs(inGroup: group)
            guard !runs.isEmpty else { throw RunChoiceError.emptyGroup(group, existing: try store.groupNames()) }
            others += runs
        }
        for tag in tags {
            try add(store.runs(matching: RunFilter(tags: [tag])), orElse: .noTaggedRuns(tag))
        }
        for status in statuses {
            try add(store.runs(matching: RunFilter(statuses: [status])), orElse: .noRunsWithStatus(status))
        }
        if let last {
            try add(store.runs(matching: RunFilter(limit: last)), orElse: .noRuns(path: store.path))
        }
        named += others.sorted { ($0.createdAt ?? .distantPast, $0.id) < ($1.createdAt ?? .distantPast, $1.id) }
        var seen = Set<String>()
        return named.filter { seen.insert($0.id).inserted }
    }
}

/// Why a choice of runs selects nothing.
public enum RunChoiceError: Error, Equatable, CustomStringConvertible {
    /// No run has this group; `existing` are the groups there are.
    case emptyGroup(String, existing: [String])
    case noTaggedRuns(RunTag)
    case noRunsWithStatus(RunStatus)
    case noRuns(path: String)

    public var description: String {
        switch self {
        case let .emptyGroup(name, existing):
            if existing.isEmpty {
                "no runs in group '\(name)': no run here has a group"
            } else {
                "no runs in group '\(name)'"
                    + (closestMatch(to: name, among: existing).map { "; did you mean '\($0)'?" } ?? "")
                    + " (groups here: \(existing.prefix(10).joined(separator: ", "))\(existing.count > 10 ? ", … \(existing.count) in all" : ""))"
            }
        case .noTaggedRuns(let tag):
            "no runs are tagged \(tag); `runner list` shows each run's tags"
        case .noRunsWithStatus(let status):
            "no runs are \(status.rawValue); `runner list` shows each run's status"
        case .noRuns(let path):
            "the database \(path) has no runs yet; start one with `runner run SPEC`"
        }
    }
}
