-- 0001: the initial schema of the runner experiment store.
--
-- Conventions:
--   * Timestamps are ISO-8601 UTC text with milliseconds, e.g. '2026-11-29T04:30:00.123Z';
--     they sort chronologically as plain text.
--   * Run ids are lowercase UUIDs; short_id is their first 8 hex characters.
--   * Durations are in seconds. Accuracies are fractions in [0, 1].
--   * SQLite cannot store NaN: a loss that was not a number is stored as NULL.
-- See docs/schema.md for the meaning of every column.

-- One training run: its resolved spec, hyperparameters, lifecycle and final metrics.
CREATE TABLE runs (
    id                        TEXT    NOT NULL PRIMARY KEY
                                      CHECK (length(id) = 36 AND id = lower(id)),
    short_id                  TEXT    NOT NULL UNIQUE
                                      CHECK (short_id = substr(id, 1, 8)),
    name                      TEXT    NOT NULL CHECK (name <> ''),
    group_name                TEXT             CHECK (group_name <> ''),
    status                    TEXT    NOT NULL
                                      CHECK (status IN ('running', 'completed', 'diverged', 'interrupted', 'failed')),
    created_at                TEXT    NOT NULL CHECK (created_at LIKE '____-__-__T__:__:__.___Z'),
    started_at                TEXT    NOT NULL CHECK (started_at LIKE '____-__-__T__:__:__.___Z'),
    finished_at               TEXT             CHECK (finished_at LIKE '____-__-__T__:__:__.___Z'),
    heartbeat_at              TEXT    NOT NULL CHECK (heartbeat_at LIKE '____-__-__T__:__:__.___Z'),

    spec_json                 TEXT    NOT NULL CHECK (json_valid(spec_json)),
    spec_hash                 TEXT    NOT NULL CHECK (length(spec_hash) = 64),

    hidden_units              INTEGER NOT NULL CHECK (hidden_units >= 1),
    learning_rate             REAL    NOT NULL CHECK (learning_rate > 0),
    epochs                    INTEGER NOT NULL CHECK (epochs >= 1),
    seed                      INTEGER NOT NULL,
    dataset                   TEXT    NOT NULL CHECK (dataset <> ''),
    input_dimension           INTEGER NOT NULL CHECK (input_dimension >= 1),
    batch_size                INTEGER NOT NULL CHECK (batch_size >= 1),
    weight_decay              REAL    NOT NULL CHECK (weight_decay >= 0),
    visit_order               TEXT    NOT NULL CHECK (visit_order <> ''),
    initialization            TEXT    NOT NULL CHECK (initialization <> ''),
    train_size                INTEGER NOT NULL CHECK (train_size >= 0),
    validation_size           INTEGER NOT NULL CHECK (validation_size >= 0),

    final_train_loss          REAL,
    final_train_accuracy      REAL             CHECK (final_train_accuracy BETWEEN 0 AND 1),
    final_validation_loss     REAL,
    final_validation_accuracy REAL             CHECK (final_validation_accuracy BETWEEN 0 AND 1),
    diverged_at_epoch         INTEGER          CHECK (diverged_at_epoch >= 1),
    error_message             TEXT,

    program_version           TEXT    NOT NULL,
    host                      TEXT    NOT NULL,
    pid                       INTEGER NOT NULL CHECK (pid > 0),

    -- A run is finished exactly when it is no longer running.
    CHECK ((status = 'running') = (finished_at IS NULL)),
    -- Only diverged runs (and all of them) name the epoch where they diverged.
    CHECK ((status = 'diverged') = (diverged_at_epoch IS NOT NULL)),
    -- A failed run says why.
    CHECK (status <> 'failed' OR error_message IS NOT NULL)
) STRICT;

CREATE INDEX runs_by_group      ON runs (group_name, created_at);
CREATE INDEX runs_by_status     ON runs (status, created_at);
CREATE INDEX runs_by_created_at ON runs (created_at);
CREATE INDEX runs_by_spec_hash  ON runs (spec_hash);

-- One row per completed epoch of a run, committed as soon as the epoch ends.
CREATE TABLE epochs (
    run_id              TEXT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    epoch               INTEGER NOT NULL CHECK (epoch >= 1),
    train_loss          REAL,
    train_accuracy      REAL    NOT NULL CHECK (train_accuracy BETWEEN 0 AND 1),
    validation_loss     REAL,
    validation_accuracy REAL             CHECK (validation_accuracy BETWEEN 0 AND 1),
    elapsed_seconds     REAL    NOT NULL CHECK (elapsed_seconds >= 0),
    PRIMARY KEY (run_id, epoch)
) STRICT, WITHOUT ROWID;

-- The final weights of a run, one row per number.
-- Wi is [input_dimension x hidden_units] (row = input j, col = hidden unit k),
-- bi and Wo are [hidden_units] vectors (row = index, col = 0), bo is a scalar (row = 0, col = 0).
CREATE TABLE weights (
    run_id TEXT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    tensor TEXT    NOT NULL CHECK (tensor IN ('Wi', 'bi', 'Wo', 'bo')),
    row    INTEGER NOT NULL CHECK (row >= 0),
    col    INTEGER NOT NULL CHECK (col >= 0 AND (tensor = 'Wi' OR col = 0)),
    -- The number, for reading. NULL when it is NaN; -0.0 reads back as 0.0.
    value  REAL,
    -- The exact IEEE-754 binary64 bit pattern of the number, as a signed integer.
    bits   INTEGER NOT NULL,
    PRIMARY KEY (run_id, tensor, row, col)
) STRICT, WITHOUT ROWID;

-- One row per run: identity, hyperparameters, final metrics and what its epochs say.
CREATE VIEW run_summary AS
SELECT
    r.id,
    r.short_id,
    r.name,
    r.group_name,
    r.status,
    r.created_at,
    r.started_at,
    r.finished_at,
    r.hidden_units,
    r.learning_rate,
    r.epochs,
    r.seed,
    r.dataset,
    r.input_dimension,
    r.batch_size,
    r.weight_decay,
    r.visit_order,
    r.initialization,
    r.train_size,
    r.validation_size,
    r.final_train_loss,
    r.final_train_accuracy,
    r.final_validation_loss,
    r.final_validation_accuracy,
    (SELECT max(e.validation_accuracy) FROM epochs e WHERE e.run_id = r.id)
        AS best_validation_accuracy,
    (SELECT e.epoch FROM epochs e
      WHERE e.run_id = r.id AND e.validation_accuracy IS NOT NULL
      ORDER BY e.validation_accuracy DESC, e.epoch ASC LIMIT 1)
        AS best_validation_epoch,
    (SELECT min(e.validation_loss) FROM epochs e WHERE e.run_id = r.id)
        AS lowest_validation_loss,
    (SELECT count(*) FROM epochs e WHERE e.run_id = r.id)
        AS epochs_completed,
    round((julianday(coalesce(r.finished_at, r.heartbeat_at)) - julianday(r.started_at)) * 86400.0, 3)
        AS duration_seconds,
    r.diverged_at_epoch,
    r.error_message,
    r.spec_hash
FROM runs r;

-- Every epoch of every run, next to the run's name and key hyperparameters.
CREATE VIEW loss_curve AS
SELECT
    r.short_id,
    r.name,
    r.group_name,
    r.hidden_units,
    r.learning_rate,
    r.seed,
    e.epoch,
    e.train_loss,
    e.train_accuracy,
    e.validation_loss,
    e.validation_accuracy,
    e.elapsed_seconds,
    e.run_id
FROM epochs e
JOIN runs r ON r.id = e.run_id;
