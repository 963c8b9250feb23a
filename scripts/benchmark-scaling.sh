#!/usr/bin/env bash
# benchmark-scaling.sh — how `runner run` scales, in a release build:
#   1. the practical sweep (72 runs) at 300 epochs with --jobs 1 and --jobs 2, and the speed-up;
#   2. epochs logged per second: 8 runs × 20,000 epochs of a 40-point, h = 7 spec with
#      --jobs 2, every epoch stored (checked by counting the rows);
#   3. peak memory (max RSS) of `runner slurm` and of one shard's `runner run` on a
#      1,000,000-run spec (the shard trains 1-epoch runs for a few seconds, then is stopped).
# Each timing is the best of REPEAT runs (default 3) in a fresh database.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repeat=${REPEAT:-3}
swift build -c release --package-path "$root" --product runner >/dev/null
runner="$root/.build/release/runner"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# best_of COMMAND...: the shortest wall time of $repeat runs, each in a fresh runner.db.
best_of() {
    local best=""
    for _ in $(seq "$repeat"); do
        rm -f runner.db runner.db-wal runner.db-shm
        local start end
        start=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s.%N)
        best=$(python3 -c "t = $end - $start; b = '$best'; print(t if not b or t < float(b) else b)")
    done
    echo "$best"
}

python3 - "$root/experiments/practical-sweep.json" > sweep300.json <<'PY'
import json, sys
spec = json.load(open(sys.argv[1])); spec["training"]["epochs"] = 300; print(json.dumps(spec))
PY
one=$(best_of "$runner" run sweep300.json --jobs 1 --quiet)
two=$(best_of "$runner" run sweep300.json --jobs 2 --quiet)
printf 'practical sweep, 72 runs × 300 epochs: --jobs 1 %.2f s, --jobs 2 %.2f s, speed-up %.2f× (%s cores)\n' \
    "$one" "$two" "$(python3 -c "print($one / $two)")" "$(nproc)"

cat > logging.json <<'JSON'
{"name": "logging", "data": {"generator": "double_moon", "points": 40},
 "model": {"hidden": 7}, "training": {"epochs": 20000, "seed": [1, 2, 3, 4, 5, 6, 7, 8]}}
JSON
logged=$(best_of "$runner" run logging.json --jobs 2 --quiet)
stored=$(sqlite3 runner.db "SELECT count(*) FROM epochs")
printf 'logging, 8 runs × 20,000 epochs with --jobs 2: %.2f s, %s epochs stored, %.0f epochs/s\n' \
    "$logged" "$stored" "$(python3 -c "print(160000 / $logged)")"

python3 - <<'PY'
import json
json.dump({"name": "million", "data": {"generator": "moons", "points": 20},
           "model": {"hidden": [4, 8, 16, 32]},
           "training": {"epochs": 1, "learning_rate": [0.5, 0.2, 0.1, 0.05, 0.02], "seed": list(range(50000))}},
          open("million.json", "w"))
PY
/usr/bin/time -f '%M %e' -o slurm.txt "$runner" slurm million.json --tasks 1000 --dir jobs >/dev/null
rm -f runner.db*
/usr/bin/time -f '%M %e' -o shard.txt "$runner" run million.json --shard 0/1000 --jobs 2 --quiet >/dev/null
read -r slurm_kb slurm_s < slurm.txt
read -r shard_kb shard_s < shard.txt
printf 'a 1,000,000-run spec: runner slurm --tasks 1000 peak %d MB (%.1f s); one shard (%s runs) peak %d MB (%.1f s)\n' \
    "$((slurm_kb / 1024))" "$slurm_s" "$(sqlite3 runner.db 'SELECT count(*) FROM runs')" "$((shard_kb / 1024))" "$shard_s"
