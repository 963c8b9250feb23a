#!/usr/bin/env bash
# benchmark-scaling.sh — how `runner run` scales, in a release build:
#   1. the practical sweep (72 runs) at 300 epochs with --jobs 1 and --jobs 2, and the speed-up
#      (the two alternate, so that a slow spell of this shared machine hits both alike);
#   2. epochs logged per second: 8 runs × 20,000 epochs of a 40-point, h = 7 spec with
#      --jobs 2, every epoch stored (checked by counting the rows);
#   3. what a run costs beyond its training: 600 runs × 20 epochs of a 40-point spec, --jobs 2;
#   4. peak memory (max RSS) of `runner slurm` and of one shard's `runner run` on a
#      1,000,000-run spec (the shard trains 1-epoch runs for a few seconds, then is stopped);
#   5. training that outpaces the writer: 6 runs × 1,000,000 epochs of 20 points, --jobs 2,
#      its time, peak memory and whether it said so.
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
read -r slurm_kb slurm_s < slurm.txt
read -r shard_kb shard_s < shard.txt
printf 'a 1,000,000-run spec: runner slurm --tasks 1000 peak %d MB (%.1f s); one shard (%s runs) peak %d MB (%.1f s)\n' \
    "$((slurm_kb / 1024))" "$slurm_s" "$(sqlite3 runner.db 'SELECT count(*) FROM runs')" "$((shard_kb / 1024))" "$shard_s"

echo '{"name": "outpaced", "data": {"points": 20}, "training": {"epochs": 1000000, "seed": [1, 2, 3, 4, 5, 6]}}' > outpaced.json
rm -f runner.db*
/usr/bin/time -f '%M %e' -o outpaced.txt "$runner" run outpaced.json --jobs 2 --quiet >/dev/null 2>outpaced.err
read -r outpaced_kb outpaced_s < outpaced.txt
printf 'training that outpaces the writer, 6 runs × 1,000,000 epochs of 20 points, --jobs 2: %.1f s, %s epochs stored, peak %d MB, %s\n' \
    "$outpaced_s" "$(sqlite3 runner.db 'SELECT count(*) FROM epochs')" "$((outpaced_kb / 1024))" \
    "$(grep -q 'faster than one database file' outpaced.err && echo 'said so on stderr' || echo 'said nothing')"
