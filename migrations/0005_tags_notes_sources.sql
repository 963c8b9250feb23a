-- 0005: tags and a note on runs, the spec file each run came from, and triggers that keep
-- the store consistent when runs are deleted by any SQLite client, foreign keys on or off.

-- Labels a user puts on runs (`runner tag`): at most one value per key and run.
CREATE TABLE run_tags (
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    key    TEXT NOT NULL CHECK (key <> '' AND instr(key, '=') = 0),
    value  TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
) STRICT, WITHOUT ROWID;

CREATE INDEX run_tags_by_key ON run_tags (key, value);

-- Free text about a run (`runner note`); NULL when it has none.
ALTER TABLE runs ADD COLUMN note TEXT;

-- A spec file as it was when runs were started from it: its path, its text as written, the
-- --set overrides given with it and, inside a git work tree, the commit and whether the tree
-- had changes. The id is the SHA-256 of all of these (see docs/schema.md), so a sweep's runs
-- share one row.
CREATE TABLE spec_sources (
    id         TEXT    NOT NULL PRIMARY KEY CHECK (length(id) = 64),
    path       TEXT    NOT NULL CHECK (path <> ''),
    text       TEXT    NOT NULL,
    overrides  TEXT    NOT NULL CHECK (json_valid(overrides) AND json_type(overrides) = 'array'),
    git_commit TEXT             CHECK (git_commit IS NULL OR length(git_commit) >= 40),
    git_dirty  INTEGER          CHECK (git_dirty IN (0, 1)),
    CHECK ((git_commit IS NULL) = (git_dirty IS NULL))
) STRICT;

-- The spec file a run came from; NULL for runs recorded before this migration.
ALTER TABLE runs ADD COLUMN spec_source_id TEXT REFERENCES spec_sources (id);

CREATE INDEX runs_by_validation_data ON runs (validation_data_id);
CREATE INDEX runs_by_spec_source     ON runs (spec_source_id);

-- Deleting a run deletes what belongs to it alone: its epochs, weights and tags, and the
-- data sets and spec sources no other run uses. With foreign keys on (as runner opens the
-- file) the cascades delete the first three already; the sqlite3 shell and most other
-- clients start with foreign keys off, and this trigger does the same work there.
CREATE TRIGGER runs_delete_dependents AFTER DELETE ON runs
BEGIN
    DELETE FROM epochs   WHERE run_id = OLD.id;
    DELETE FROM weights  WHERE run_id = OLD.id;
    DELETE FROM run_tags WHERE run_id = OLD.id;
    DELETE FROM datasets
     WHERE id IN (OLD.training_data_id, OLD.validation_data_id)
       AND NOT EXISTS (SELECT 1 FROM runs WHERE training_data_id = datasets.id)
       AND NOT EXISTS (SELECT 1 FROM runs WHERE validation_data_id = datasets.id);
    DELETE FROM spec_sources
     WHERE id = OLD.spec_source_id
       AND NOT EXISTS (SELECT 1 FROM runs WHERE spec_source_id = spec_sources.id);
END;

-- A data set's points go with it, foreign keys on or off.
CREATE TRIGGER datasets_delete_points AFTER DELETE ON datasets
BEGIN
    DELETE FROM dataset_points WHERE dataset_id = OLD.id;
END;

-- Rows left behind by deletes made with foreign keys off before this migration.
DELETE FROM epochs  WHERE run_id NOT IN (SELECT id FROM runs);
DELETE FROM weights WHERE run_id NOT IN (SELECT id FROM runs);
DELETE FROM dataset_points WHERE dataset_id NOT IN (SELECT id FROM datasets);
