#!/usr/bin/env bash
# Times the read commands on a large store: compare, compare --aggregate and
# report over one group of N runs (default 10,000), and list, show and
# compare --last 50 on the whole store, and a table with a cell of 100,000
# characters; prints seconds, peak memory and the output's size as a Markdown
# table (the README's figures come from here).
#
# The store is built fast: the practical sweep (72 runs, 100 epochs) is trained
# once, then copied with SQL under new ids and training seeds until the group
# holds N runs, epochs and weights included.
#
#   scripts/benchmark-reads.sh                   # release build, 10,000 runs
#   scripts/benchmark-reads.sh .build/debug/runner 2000
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runner="${1:-}"
count="${2:-10000}"
if [ -z "$runner" ]; then
    (cd "$root" && swift build -c release --product runner >&2)
    runner="$root/.build/release/runner"
fi
work="${BENCHMARK_DIR:-$(mktemp -d)}"
mkdir -p "$work"
[ -n "${BENCHMARK_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
db="$work/store.db"

sed 's/"name": "practical-sweep"/"name": "bench"/' "$root/experiments/practical-sweep.json" > "$work/bench.json"
"$runner" run "$work/bench.json" --db "$db" > /dev/null 2>&1
base=$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE group_name = 'bench'")

sqlite3 "$db" <<SQL
CREATE TEMP TABLE base AS
    SELECT row_number() OVER (ORDER BY created_at, id) - 1 AS i, id, seed FROM runs WHERE group_name = 'bench';
CREATE TEMP TABLE map AS
    WITH RECURSIVE copies(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM copies WHERE (k + 1) * $base < $count)
    SELECT b.id AS old_id, printf('%08x-0000-4000-8000-%012x', k * $base + i, k) AS new_id, k,
           b.seed AS old_seed, b.seed + 1000 * k AS new_seed
    FROM base b, copies WHERE k * $base + i < $count;
CREATE TEMP TABLE copied AS SELECT m.new_id, m.k, m.old_seed, m.new_seed, r.* FROM runs r JOIN map m ON m.old_id = r.id;
UPDATE copied SET
    id = new_id, short_id = substr(new_id, 1, 8), seed = new_seed,
    name = replace(name, 'seed=' || old_seed, 'seed=' || new_seed),
    spec_json = json_set(spec_json, '\$.training.seed', new_seed),
    spec_hash = substr(spec_hash, 1, 48) || printf('%016x', k);
ALTER TABLE copied DROP COLUMN new_id;
ALTER TABLE copied DROP COLUMN k;
ALTER TABLE copied DROP COLUMN old_seed;
ALTER TABLE copied DROP COLUMN new_seed;
INSERT INTO runs SELECT * FROM copied;
INSERT INTO epochs (run_id, epoch, train_loss, train_accuracy, validation_loss, validation_accuracy, elapsed_seconds)
    SELECT m.new_id, e.epoch, e.train_loss, e.train_accuracy, e.validation_loss, e.validation_accuracy, e.elapsed_seconds
    FROM epochs e JOIN map m ON m.old_id = e.run_id;
INSERT INTO weights (run_id, tensor, row, col, value, bits)
    SELECT m.new_id, w.tensor, w.row, w.col, w.value, w.bits FROM weights w JOIN map m ON m.old_id = w.run_id;
-- Finished runs are summarized as runner summarizes them (migration 0007).
INSERT INTO run_epoch_summaries
    SELECT m.new_id, s.epochs_completed, s.best_validation_accuracy, s.best_validation_epoch,
           s.lowest_validation_loss, s.lowest_train_loss, s.best_train_accuracy
    FROM run_epoch_summaries s JOIN map m ON m.old_id = s.run_id;
SQL
runs=$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE group_name = 'bench'")
last=$(sqlite3 "$db" "SELECT short_id FROM runs ORDER BY created_at DESC LIMIT 1")
echo "store: $runs runs in group bench, $(sqlite3 "$db" "SELECT count(*) FROM epochs") epochs, $(du -h "$db" | cut -f1)"
echo
echo "| command | seconds | CPU seconds | peak memory | output |"
echo "|---|---:|---:|---:|---:|"

measure() {
    local label="$1" out="$2"
    shift 2
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$runner" "$@" --db "$db" > "$work/stdout" 2> "$work/stderr" \
        || { echo "failed: $label" >&2; cat "$work/stderr" >&2; exit 1; }
    read -r seconds user system kilobytes < "$work/time"
    local size
    size=$(du -h "${out:-$work/stdout}" | cut -f1)
    echo "| \`$label\` | $seconds | $(echo "$user + $system" | bc) | $((kilobytes / 1024)) MB | $size |"
}

measure "compare --group bench ($runs runs)" "" compare --group bench
measure "compare --group bench --aggregate" "" compare --group bench --aggregate
measure "report --group bench" "$work/report.html" report --group bench --out "$work/report.html"
measure "list" "" list
measure "show $last" "" show "$last"
measure "compare --last 50" "" compare --last 50
measure "query: one cell of 100,000 characters" "" query "SELECT printf('%.100000c', 'x') AS a, 1 AS b"
