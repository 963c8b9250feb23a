import RunnerStore

/// Which runs a command works on: named ones, and the runs that pass the filters
/// (groups, tags, statuses, the most recent ones). As in `runner list`, filters of
/// different kinds narrow each other (`--group g --status completed`: the completed
/// runs of g) and a repeated one takes any of its values (`--group a --group b`). With
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
    /// Every run whose spec gives each of these settings one of its values.
    public var settings: [SettingMatch]
    /// The N most recent runs.
    public var last: Int?

    public init(
        ids: [String] = [], groups: [String] = [], tags: [RunTag] = [], statuses: [RunStatus] = [],
        settings: [SettingMatch] = [], last: Int? = nil
    ) {
        self.ids = ids
        self.groups = groups
        self.tags = tags
        self.statuses = statuses
        self.settings = settings
        self.last = last
    }

    /// True when no selector is given.
    public var isEmpty: Bool {
        ids.isEmpty && groups.isEmpty && tags.isEmpty && statuses.isEmpty && settings.isEmpty && last == nil
    }

    /// Whether a filter is given besides ids and `last`.
    private var filtersGiven: Bool {
        !(groups.isEmpty && tags.isEmpty && statuses.isEmpty && settings.isEmpty)
    }

    /// The chosen runs, each once: the ids in the order given, then the runs that pass the
    /// filters, oldest first; with `last`, the `last` most recent of these.
    /// With nothing chosen, the group of the most recent run (or that run alone, if it has none).
    ///
    /// - Throws: `RunChoiceError` naming a filter value that matches no run, or filters
    ///   that match none together; a `StoreError` for an unknown or ambiguous id.
    public func summaries(in store: ExperimentStore) throws -> [RunSummary] {
        if isEmpty {
            guard let latest = try store.runs(matching: RunFilter(limit: 1)).first else {
                throw RunChoiceError.noRuns(path: store.path)
            }
            guard let group = latest.groupName else { return [latest] }
            return try store.runs(inGroup: group).reversed()
        }
        var chosen = try store.summaries(of: ids)
        if filtersGiven || last != nil {
            // Each value matches runs on its own, or it is named: a typo never goes unnoticed.
            for group in groups where try store.countRuns(matching: RunFilter(groups: [group])) == 0 {
                throw RunChoiceError.emptyGroup(group, existing: try store.groupNames())
            }
            for tag in tags where try store.countRuns(matching: RunFilter(tags: [tag])) == 0 {
                throw RunChoiceError.noTaggedRuns(tag)
            }
            for status in statuses where try store.countRuns(matching: RunFilter(statuses: [status])) == 0 {
                throw RunChoiceError.noRunsWithStatus(status)
            }
            try RunChoiceError.requireEachValue(of: settings, in: store)
            var filtered = try store.runs(matching: RunFilter(statuses: statuses, groups: groups, tags: tags, settings: settings, limit: last))
            guard !filtered.isEmpty else {
                throw last == nil || filtersGiven ? RunChoiceError.noRunsMatchingAll(filters) : RunChoiceError.noRuns(path: store.path)
            }
            filtered.sort { ($0.createdAt ?? .distantPast, $0.id) < ($1.createdAt ?? .distantPast, $1.id) }
            // Each run once already: no copies of a 100,000-run selection to weed out repeats.
            if chosen.isEmpty { return filtered }
            chosen += filtered
        }
        var seen = Set<String>()
        return chosen.filter { seen.insert($0.id).inserted }
    }

    /// The filters as given on the command line, for messages.
    private var filters: String {
        (groups.map { "--group \(shellQuoted($0))" } + tags.map { "--tag \(shellQuoted($0.description))" }
            + statuses.map { "--status \($0.rawValue)" } + settings.flatMap(\.arguments)).joined(separator: " ")
    }
}

/// Why a choice of runs selects nothing.
public enum RunChoiceError: Error, Equatable, CustomStringConvertible {
    /// No run has this group; `existing` are the groups there are.
    case emptyGroup(String, existing: [String])
    case noTaggedRuns(RunTag)
    case noRunsWithStatus(RunStatus)
    case noRunsWithSetting(SettingMatch)
    /// Each filter matches runs, but no run passes all of them.
    case noRunsMatchingAll(String)
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
        case .noRunsWithSetting(let setting):
            "no run's spec sets \(RunSettings.name(of: setting.path)) to \(setting.values.joined(separator: " or ")); "
                + "`runner compare --aggregate` shows the values a group has"
        case .noRunsMatchingAll(let filters):
            "no run passes all of \(filters) (each matches runs of its own); `runner list \(filters)` shows the same choice"
        case .noRuns(let path):
            "the database \(path) has no runs yet; start one with `runner run SPEC`"
        }
    }
}

extension RunChoiceError {
    /// Throws `noRunsWithSetting` for the first value of `settings` that no run of `store`
    /// has, so that a typo among several values of one setting is named too.
    public static func requireEachValue(of settings: [SettingMatch], in store: ExperimentStore) throws {
        for setting in settings {
            for value in setting.values {
                let one = SettingMatch(path: setting.path, values: [value])
                if try store.countRuns(matching: RunFilter(settings: [one])) == 0 { throw noRunsWithSetting(one) }
            }
        }
    }
}

extension SettingMatch {
    /// The match as `--where` arguments, one per value.
    var arguments: [String] {
        values.map { "--where \(shellQuoted("\(RunSettings.name(of: path))=\($0)"))" }
    }
}
