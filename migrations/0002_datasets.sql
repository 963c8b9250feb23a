-- 0002: the points each run trained and validated on, so that any run can be redrawn from
-- the database alone, even after its CSV file changed or a newer runner generates data
-- differently. A data set is stored once, however many runs (a whole sweep) use it.

-- One data set: labelled points in d dimensions. The id is the SHA-256 of the points
-- (see docs/schema.md), so the same points always get the same id.
CREATE TABLE datasets (
    id        TEXT    NOT NULL PRIMARY KEY CHECK (length(id) = 64),
    dimension INTEGER NOT NULL CHECK (dimension >= 1),
    points    INTEGER NOT NULL CHECK (points >= 1)
) STRICT;

-- One labelled point of a data set, in the data set's order.
CREATE TABLE dataset_points (
    dataset_id TEXT    NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    point      INTEGER NOT NULL CHECK (point >= 0),
    label      INTEGER NOT NULL CHECK (label IN (-1, 1)),
    -- The first two features, for plain SQL on the usual 2-D data (x2 is NULL when d = 1).
    x1         REAL    NOT NULL,
    x2         REAL,
    -- All d features exactly, as a JSON array of shortest round-trip decimals.
    features   TEXT    NOT NULL CHECK (json_valid(features) AND json_type(features) = 'array'),
    PRIMARY KEY (dataset_id, point)
) STRICT, WITHOUT ROWID;

-- Which data sets a run used; NULL for runs recorded before this migration.
ALTER TABLE runs ADD COLUMN training_data_id TEXT REFERENCES datasets (id);
ALTER TABLE runs ADD COLUMN validation_data_id TEXT REFERENCES datasets (id);

CREATE INDEX runs_by_training_data ON runs (training_data_id);
