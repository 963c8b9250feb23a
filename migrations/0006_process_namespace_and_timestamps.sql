-- 0006: the PID namespace of each run's process, so that a reader never judges a run by a pid
-- from another namespace (a container, `unshare --pid`); and triggers that refuse timestamps
-- that are not real instants, which the CHECKs of 0001 (a LIKE pattern) let through.

-- The PID namespace of the training process, as /proc/self/ns/pid names it ('pid:[4026531836]');
-- NULL where the system has no /proc, and for runs recorded before this migration.
ALTER TABLE runs ADD COLUMN pid_namespace TEXT CHECK (pid_namespace <> '');

-- A timestamp is valid when SQLite reads it as an instant and writes it back unchanged
-- ('+0 seconds' makes it recompute the date): '2026-02-30T25:00:00.000Z' matches the LIKE
-- pattern of 0001 but is no instant, and '2026-02-30T05:00:00.000Z' would read as March 2.
CREATE TRIGGER runs_timestamps_on_insert BEFORE INSERT ON runs
WHEN strftime('%Y-%m-%dT%H:%M:%fZ', NEW.created_at, '+0 seconds') IS NOT NEW.created_at
  OR strftime('%Y-%m-%dT%H:%M:%fZ', NEW.started_at, '+0 seconds') IS NOT NEW.started_at
  OR strftime('%Y-%m-%dT%H:%M:%fZ', NEW.heartbeat_at, '+0 seconds') IS NOT NEW.heartbeat_at
  OR strftime('%Y-%m-%dT%H:%M:%fZ', NEW.finished_at, '+0 seconds') IS NOT NEW.finished_at
BEGIN
    SELECT RAISE(ABORT, 'runs: created_at, started_at, finished_at and heartbeat_at must be real UTC instants like 2026-11-29T04:30:00.123Z');
END;

CREATE TRIGGER runs_timestamps_on_update BEFORE UPDATE OF created_at, started_at, finished_at, heartbeat_at ON runs
WHEN strftime('%Y-%m-%dT%H:%M:%fZ', NEW.created_at, '+0 seconds') IS NOT NEW.created_at
  OR strftime('%Y-%m-%dT%H:%M:%fZ', NEW.started_at, '+0 seconds') IS NOT NEW.started_at
  OR strftime('%Y-%m-%dT%H:%M:%fZ', NEW.heartbeat_at, '+0 seconds') IS NOT NEW.heartbeat_at
  OR strftime('%Y-%m-%dT%H:%M:%fZ', NEW.finished_at, '+0 seconds') IS NOT NEW.finished_at
BEGIN
    SELECT RAISE(ABORT, 'runs: created_at, started_at, finished_at and heartbeat_at must be real UTC instants like 2026-11-29T04:30:00.123Z');
END;
