#!/usr/bin/env bash
# benchmark-scaling.sh — how `runner run` scales, in a release build:
#   1. the practical sweep (72 runs) at 300 epochs with --jobs 1 and --jobs 2, and the speed-up
#      (the two alternate, so that a slow spell of this shared machine hits both alike);
#   2. epochs logged per second: 8 runs × 20,000 epochs of a 40-point, h = 7 spec with
#      --jobs 2, every epoch stored (checked by counting the rows);
#   3. what a run costs beyond its training: 600 runs × 20 epochs of a 40-point spec, --jobs 2;
#   4. peak memory (max RSS) of `runner slurm` and of one shard's `runner run` on a
#      1,000,000-run spec (the shard's 1,000 runs of one epoch), of `runner slurm` again with
#      that shard as its target (whose runs it lists as done); and `runner merge` of a
#      10,000-run study's 4 shards into a new file;
#   5. training that outpaces the writer: 6 runs × 1,000,000 epochs of 20 points, --jobs 2,
#      its time, peak memory and whether it said so;
#   6. how much of the time a `runner run` holds SQLite's write lock (so that a `kill -STOP`
#      lands inside a transaction): /proc/locks sampled every 1–4 ms for 3 s, for a run of the
#      practical's default spec and for a 20-point run of 1,000,000 epochs (the worst case);
#   7. the floor SQLite itself sets on that: microseconds per row of `INSERT … SELECT` of
#      20,000 staged rows into a table like `epochs`, and into one without key or constraints.
# Each timing is the best of REPEAT runs (default 3) in a fresh database; the speed-up is also
# given as the median of the REPEAT pairs' ratios, with the lowest and highest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeat=${REPEAT:-3}
swift build -c release --package-path "$root" --product runner >/dev/null
runner="$root/.build/release/runner"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# seconds COMMAND...: the wall time of one run in a fresh runner.db.
seconds() {
    rm -f runner.db runner.db-wal runner.db-shm
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    python3 -c "print($end - $start)"
}

# best_of COMMAND...: the shortest wall time of $repeat runs.
best_of() {
    for _ in $(seq "$repeat"); do seconds "$@"; done | sort -n | head -1
}

python3 - "$root/experiments/practical-sweep.json" > sweep300.json <<'PY'
import json, sys
spec = json.load(open(sys.argv[1])); spec["training"]["epochs"] = 300; print(json.dumps(spec))
PY
for _ in $(seq "$repeat"); do
    echo "$(seconds "$runner" run sweep300.json --jobs 1 --quiet) $(seconds "$runner" run sweep300.json --jobs 2 --quiet)"
done > pairs.txt
python3 - "$(nproc)" <<'PY'
import statistics, sys
pairs = [tuple(map(float, line.split())) for line in open("pairs.txt")]
one, two = min(p[0] for p in pairs), min(p[1] for p in pairs)
ratios = [a / b for a, b in pairs]
print(f"practical sweep, 72 runs × 300 epochs: --jobs 1 {one:.2f} s, --jobs 2 {two:.2f} s, speed-up {one / two:.2f}× "
      f"(median of {len(pairs)} pairs {statistics.median(ratios):.2f}×, {min(ratios):.2f}–{max(ratios):.2f}; {sys.argv[1]} cores)")
PY

cat > logging.json <<'JSON'
{"name": "logging", "data": {"generator": "double_moon", "points": 40},
 "model": {"hidden": 7}, "training": {"epochs": 20000, "seed": [1, 2, 3, 4, 5, 6, 7, 8]}}
JSON
logged=$(best_of "$runner" run logging.json --jobs 2 --quiet)
stored=$(sqlite3 runner.db "SELECT count(*) FROM epochs")
printf 'logging, 8 runs × 20,000 epochs with --jobs 2: %.2f s, %s epochs stored, %.0f epochs/s\n' \
    "$logged" "$stored" "$(python3 -c "print(160000 / $logged)")"

python3 -c 'import json; print(json.dumps({"name": "short", "data": {"generator": "double_moon", "points": 40},
    "model": {"hidden": 7}, "training": {"epochs": 20, "seed": list(range(1, 601))}}))' > short.json
short=$(best_of "$runner" run short.json --jobs 2 --quiet)
printf 'short runs, 600 runs × 20 epochs with --jobs 2: %.2f s, %.1f ms a run\n' "$short" "$(python3 -c "print($short / 0.6)")"

python3 - <<'PY'
import json
json.dump({"name": "million", "data": {"generator": "moons", "points": 20},
           "model": {"hidden": [4, 8, 16, 32]},
           "training": {"epochs": 1, "learning_rate": [0.5, 0.2, 0.1, 0.05, 0.02], "seed": list(range(50000))}},
          open("million.json", "w"))
PY
/usr/bin/time -f '%M %e' -o slurm.txt "$runner" slurm million.json --tasks 1000 --dir jobs >/dev/null
rm -f runner.db*
/usr/bin/time -f '%M %e' -o shard.txt "$runner" run million.json --shard 0/1000 --jobs 2 --quiet >/dev/null 2>&1
# The study extended: its target holds that shard's runs, which runner slurm lists as done.
/usr/bin/time -f '%M %e' -o extended.txt "$runner" slurm million.json --tasks 1000 --dir jobs-extended --db runner.db >/dev/null 2>&1
read -r slurm_kb slurm_s < slurm.txt
read -r shard_kb shard_s < shard.txt
read -r extended_kb extended_s < extended.txt
printf 'a 1,000,000-run spec: runner slurm --tasks 1000 peak %d MB (%.1f s); one shard (%s runs) peak %d MB (%.1f s); ' \
    "$((slurm_kb / 1024))" "$slurm_s" "$(sqlite3 runner.db 'SELECT count(*) FROM runs')" "$((shard_kb / 1024))" "$shard_s"
printf 'runner slurm against that shard as its target peak %d MB (%.1f s, %s runs listed as done)\n' \
    "$((extended_kb / 1024))" "$extended_s" "$(grep -cv '^#' jobs-extended/skipped-runs.txt)"

# merge: a 10,000-run study of one-epoch runs in 4 shards, merged into a new file.
python3 -c 'import json; print(json.dumps({"name": "merged", "data": {"points": 40}, "training": {"epochs": 1, "seed": list(range(1, 10001))}}))' > merged.json
for i in 0 1 2 3; do "$runner" run merged.json --shard "$i/4" --quiet --db "part-$i.db" >/dev/null 2>&1; done
rm -f study.db*
/usr/bin/time -f '%M %e' -o merge.txt "$runner" merge part-0.db part-1.db part-2.db part-3.db --db study.db >/dev/null
read -r merge_kb merge_s < merge.txt
printf 'merge: 4 shards of 2,500 one-epoch runs into a new file: %.1f s, %s runs, peak %d MB\n' \
    "$merge_s" "$(sqlite3 study.db 'SELECT count(*) FROM runs')" "$((merge_kb / 1024))"

echo '{"name": "outpaced", "data": {"points": 20}, "training": {"epochs": 1000000, "seed": [1, 2, 3, 4, 5, 6]}}' > outpaced.json
rm -f runner.db*
/usr/bin/time -f '%M %e' -o outpaced.txt "$runner" run outpaced.json --jobs 2 --quiet >/dev/null 2>outpaced.err
read -r outpaced_kb outpaced_s < outpaced.txt
printf 'training that outpaces the writer, 6 runs × 1,000,000 epochs of 20 points, --jobs 2: %.1f s, %s epochs stored, peak %d MB, %s\n' \
    "$outpaced_s" "$(sqlite3 runner.db 'SELECT count(*) FROM epochs')" "$((outpaced_kb / 1024))" \
    "$(grep -q 'faster than one database file' outpaced.err && echo 'said so on stderr' || echo 'said nothing')"

# lock_share SPEC: the share of samples in which a `runner run SPEC` holds the WAL write lock
# (byte 120 of the -shm file, locked for writing by that pid), once it has run for 0.7 s.
lock_share() {
    rm -f runner.db runner.db-wal runner.db-shm
    "$runner" run "$1" --quiet >/dev/null 2>&1 &
    local pid=$!
    sleep 0.7
    python3 - "$pid" <<'PY'
import os, random, sys, time
pid = sys.argv[1]
inode = os.stat("runner.db-shm").st_ino
held = samples = 0
end = time.time() + 3
while time.time() < end and os.path.exists(f"/proc/{pid}"):
    for line in open("/proc/locks"):
        fields = line.split()
        if "->" not in line and len(fields) >= 8 and fields[3] == "WRITE" and fields[4] == pid \
                and fields[5].endswith(f":{inode}") and fields[6] == "120":
            held += 1
            break
    samples += 1
    time.sleep(random.uniform(0.001, 0.004))
print(f"{100 * held / samples:.0f}% of {samples} samples")
PY
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
python3 - "$root/experiments/practical-default.json" > default-long.json <<'PY'
import json, sys
spec = json.load(open(sys.argv[1])); spec["training"]["epochs"] = 1000000; print(json.dumps(spec))
PY
echo '{"name": "tiny", "data": {"points": 20}, "training": {"epochs": 1000000}}' > tiny.json
printf 'write lock held: practical default spec (400 points, h = 7) %s; 20 points, 1,000,000 epochs %s\n' \
    "$(lock_share default-long.json)" "$(lock_share tiny.json)"

python3 - <<'PY'
import os, random, sqlite3, time
def per_row(table):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists("floor.db" + suffix): os.remove("floor.db" + suffix)
    db = sqlite3.connect("floor.db", isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL"); db.execute("PRAGMA synchronous = NORMAL")
    db.execute(table)
    db.execute("CREATE TEMP TABLE staged (run_id, epoch, a, b, c, d, e)")
    run_id, epoch, seconds = "0123abcd-0000-4000-8000-000000000000", 0, []
    for _ in range(30):
        db.execute("DELETE FROM staged")
        rows = []
        for _ in range(20000):
            epoch += 1
            rows.append((run_id, epoch, random.random(), 0.75, random.random(), 0.5, epoch * 1e-6))
        db.executemany("INSERT INTO staged VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        start = time.perf_counter()
        db.execute("BEGIN IMMEDIATE"); db.execute("INSERT INTO t SELECT * FROM temp.staged ORDER BY rowid"); db.execute("COMMIT")
        seconds.append(time.perf_counter() - start)
    return sorted(seconds)[len(seconds) // 2] / 20000 * 1e6
epochs = """CREATE TABLE t (run_id TEXT NOT NULL, epoch INTEGER NOT NULL CHECK (epoch >= 1), train_loss REAL,
    train_accuracy REAL NOT NULL CHECK (train_accuracy BETWEEN 0 AND 1), validation_loss REAL,
    validation_accuracy REAL CHECK (validation_accuracy BETWEEN 0 AND 1),
    elapsed_seconds REAL NOT NULL CHECK (elapsed_seconds >= 0), PRIMARY KEY (run_id, epoch)) STRICT, WITHOUT ROWID"""
bare = "CREATE TABLE t (run_id, epoch, a, b, c, d, e)"
print(f"SQLite {sqlite3.sqlite_version}, 20,000 staged rows a transaction: {per_row(epochs):.2f} µs a row into a table like epochs, "
      f"{per_row(bare):.2f} µs into one without key or constraints")
PY
