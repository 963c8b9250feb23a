-- 0004: when a run converged — the first epoch from which its training error is 0 and stays 0.
--
-- runs.converged_at_epoch is kept by a trigger as epochs are recorded (in order): an epoch
-- with every training point right (train_accuracy = 1) keeps an earlier value or sets its own
-- number, any other epoch clears it. So it is NULL for a run whose last recorded epoch still
-- misclassifies a training point, however often it reached 0 before. Runs recorded before
-- this migration get theirs computed from their epochs.

ALTER TABLE runs ADD COLUMN converged_at_epoch INTEGER CHECK (converged_at_epoch >= 1);

UPDATE runs SET converged_at_epoch = (
    SELECT min(e.epoch) FROM epochs e
    WHERE e.run_id = runs.id
      AND e.epoch > coalesce((SELECT max(bad.epoch) FROM epochs bad
                              WHERE bad.run_id = runs.id AND bad.train_accuracy < 1), 0)
);

CREATE TRIGGER epochs_track_convergence AFTER INSERT ON epochs
-- Only when the value changes (an epoch with no error after one with, or the reverse), so that
-- the thousands of epochs of a run mostly insert without touching their run's row.
WHEN (NEW.train_accuracy = 1) <> ((SELECT converged_at_epoch FROM runs WHERE id = NEW.run_id) IS NOT NULL)
BEGIN
    UPDATE runs
    SET converged_at_epoch = CASE WHEN NEW.train_accuracy = 1 THEN coalesce(converged_at_epoch, NEW.epoch) END
    WHERE id = NEW.run_id;
END;

-- run_summary as in 0001, plus converged_at_epoch and converged_at_step: the SGD updates made
-- by the end of that epoch (ceil(train_size / batch_size) per epoch; the error is measured once
-- per epoch, so the first update with zero error lies within that epoch).
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
    r.spec_hash,
    r.converged_at_epoch,
    r.converged_at_epoch * ((r.train_size + r.batch_size - 1) / r.batch_size)
        AS converged_at_step
FROM runs r;
