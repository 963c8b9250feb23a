-- 0007: what each finished run's epochs say, kept in a table, so that reading 10,000 runs
-- does not read their million epochs. run_summary computed best_validation_accuracy and
-- the like with subqueries over every run's epochs, four scans per run: 1 s of a
-- 10,000-run comparison. It now takes them from run_epoch_summaries, which holds one row
-- per finished run, and computes them as before for a run without one (a run still
-- running, or one whose epochs were edited by hand since it finished).
--
-- The table is a cache that triggers keep right: a run's row is written when its status
-- leaves 'running', and deleted whenever one of its epochs is inserted, changed or
-- deleted, so a row that exists always agrees with the epochs.

CREATE TABLE run_epoch_summaries (
    run_id                   TEXT    PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    epochs_completed         INTEGER NOT NULL CHECK (epochs_completed >= 0),
    best_validation_accuracy REAL,
    best_validation_epoch    INTEGER,
    lowest_validation_loss   REAL,
    lowest_train_loss        REAL,
    best_train_accuracy      REAL
) STRICT, WITHOUT ROWID;

-- run_summary as in 0004, with what the epochs say from run_epoch_summaries where the run
-- has a row there (each subquery runs only for a run without one), and two more columns:
-- lowest_train_loss and best_train_accuracy.
DROP VIEW run_summary;
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
    CASE WHEN s.run_id IS NULL
        THEN (SELECT max(e.validation_accuracy) FROM epochs e WHERE e.run_id = r.id)
        ELSE s.best_validation_accuracy END
        AS best_validation_accuracy,
    CASE WHEN s.run_id IS NULL
        THEN (SELECT e.epoch FROM epochs e
               WHERE e.run_id = r.id AND e.validation_accuracy IS NOT NULL
               ORDER BY e.validation_accuracy DESC, e.epoch ASC LIMIT 1)
        ELSE s.best_validation_epoch END
        AS best_validation_epoch,
    CASE WHEN s.run_id IS NULL
        THEN (SELECT min(e.validation_loss) FROM epochs e WHERE e.run_id = r.id)
        ELSE s.lowest_validation_loss END
        AS lowest_validation_loss,
    CASE WHEN s.run_id IS NULL
        THEN (SELECT count(*) FROM epochs e WHERE e.run_id = r.id)
        ELSE s.epochs_completed END
        AS epochs_completed,
    round((julianday(coalesce(r.finished_at, r.heartbeat_at)) - julianday(r.started_at)) * 86400.0, 3)
        AS duration_seconds,
    r.diverged_at_epoch,
    r.error_message,
    r.spec_hash,
    r.converged_at_epoch,
    r.converged_at_epoch * ((r.train_size + r.batch_size - 1) / r.batch_size)
        AS converged_at_step,
    CASE WHEN s.run_id IS NULL
        THEN (SELECT min(e.train_loss) FROM epochs e WHERE e.run_id = r.id)
        ELSE s.lowest_train_loss END
        AS lowest_train_loss,
    CASE WHEN s.run_id IS NULL
        THEN (SELECT max(e.train_accuracy) FROM epochs e WHERE e.run_id = r.id)
        ELSE s.best_train_accuracy END
        AS best_train_accuracy
FROM runs r
LEFT JOIN run_epoch_summaries s ON s.run_id = r.id;

-- A run that stops running is summarized: its epochs are all in by then (runner commits
-- them before the status). The values come from run_summary, which computes them.
CREATE TRIGGER runs_summarize_when_finished AFTER UPDATE OF status ON runs
WHEN NEW.status <> 'running'
BEGIN
    INSERT OR REPLACE INTO run_epoch_summaries
    SELECT id, epochs_completed, best_validation_accuracy, best_validation_epoch,
           lowest_validation_loss, lowest_train_loss, best_train_accuracy
    FROM run_summary WHERE id = NEW.id;
END;

-- Any change to a run's epochs makes its summary stale: it is dropped, and run_summary
-- computes the values from the epochs again.
CREATE TRIGGER epochs_insert_drops_summary AFTER INSERT ON epochs
BEGIN
    DELETE FROM run_epoch_summaries WHERE run_id = NEW.run_id;
END;

CREATE TRIGGER epochs_update_drops_summary AFTER UPDATE ON epochs
BEGIN
    DELETE FROM run_epoch_summaries WHERE run_id IN (OLD.run_id, NEW.run_id);
END;

CREATE TRIGGER epochs_delete_drops_summary AFTER DELETE ON epochs
BEGIN
    DELETE FROM run_epoch_summaries WHERE run_id = OLD.run_id;
END;

-- A deleted run takes its summary along, foreign keys on or off (see runs_delete_dependents).
CREATE TRIGGER runs_delete_summary AFTER DELETE ON runs
BEGIN
    DELETE FROM run_epoch_summaries WHERE run_id = OLD.id;
END;

-- Every run already finished gets its summary now.
INSERT INTO run_epoch_summaries
SELECT id, epochs_completed, best_validation_accuracy, best_validation_epoch,
       lowest_validation_loss, lowest_train_loss, best_train_accuracy
FROM run_summary WHERE status <> 'running';
