#!/usr/bin/env bash
# The hostile cases of issue 12 that need root: a read-only file read as another user, a full
# disk (a small tmpfs) and PID namespaces (unshare). .ci/run calls this after `swift test` when
# it runs as root; run it by hand with `sudo scripts/root-hardening-checks.sh [path/to/runner]`.
# Every process it starts it ends by its own pid.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runner="$(realpath "${1:-$root/.build/debug/runner}")"
[ "$(id -u)" = 0 ] || { echo "error: $0 needs root" >&2; exit 1; }
[ -x "$runner" ] || { echo "error: no runner at $runner; run swift build first" >&2; exit 1; }

work="$(mktemp -d /tmp/runner-root-checks.XXXXXX)"
chmod 755 "$work"
mounted=""
background=""
cleanup() {
    [ -n "$background" ] && kill -9 "$background" 2>/dev/null || true
    [ -n "$mounted" ] && umount "$mounted" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
failures=0
check() {  # check DESCRIPTION COMMAND...: the command must succeed
    local description="$1"; shift
    if "$@" >"$work/out" 2>&1; then echo "ok   $description"; else echo "FAIL $description"; sed 's/^/     /' "$work/out"; failures=$((failures + 1)); fi
}
has_status() {  # has_status DB SHORT_ID STATUS
    local found; found="$(sqlite3 -cmd ".timeout 5000" "$1" "SELECT status FROM runs WHERE short_id = '$2'")"
    [ "$found" = "$3" ] || { echo "run $2 is $found, not $3"; return 1; }
}

cat > quick.json <<'SPEC'
{"name": "quick", "data": {"generator": "moons", "points": 60, "seed": 0}, "training": {"epochs": 5, "seed": [1, 2]}}
SPEC
cat > filling.json <<'SPEC'
{"name": "filling", "data": {"generator": "moons", "points": 100}, "training": {"epochs": 1000000}}
SPEC
cat > endless.json <<'SPEC'
{"name": "endless", "data": {"generator": "moons", "points": 5000}, "training": {"epochs": 1000000}}
SPEC

# Starts an endless run in the background (optionally under a prefix command) and waits for its row.
start_endless() {  # start_endless DB [PREFIX...]
    local db="$1"; shift
    "$@" "$runner" run endless.json --db "$db" --quiet >/dev/null 2>&1 &
    background=$!
    for _ in $(seq 100); do
        [ "$(sqlite3 -cmd ".timeout 5000" "$db" "SELECT count(*) FROM runs WHERE status = 'running'" 2>/dev/null || echo 0)" -ge 1 ] && return 0
        sleep 0.1
    done
    echo "the endless run did not start" >&2; return 1
}
stop_background() { kill -9 "$background" 2>/dev/null || true; wait "$background" 2>/dev/null || true; background=""; }

# --- defect 3: a root-owned 644 file in a 755 folder, read as nobody ---------------------------
mkdir shared && "$runner" run quick.json --db shared/results.db --quiet >/dev/null
start_endless shared/results.db
stop_background   # a dead run that a writable reader would mark
chmod 755 shared && chmod 644 shared/results.db*
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$runner" "$@" --db "$work/shared/results.db"; }
# A finished run, with epochs and weights to export (not the killed one, which may have none yet).
id="$(sqlite3 -readonly shared/results.db "SELECT short_id FROM runs WHERE group_name = 'quick' AND status = 'completed' ORDER BY created_at LIMIT 1")"
# First with the WAL the killed writer left, then with the file alone (as a clean close leaves it).
for state in "with the killed writer's WAL" "alone"; do
    [ "$state" = alone ] && sqlite3 shared/results.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    before="$(cd shared && ls && sha256sum results.db)"
    check "as nobody, a read-only file $state: runner list answers" as_nobody list
    check "  ... runner query answers" as_nobody query "SELECT count(*) FROM runs"
    check "  ... runner show answers" as_nobody show "$id"
    check "  ... runner compare answers" as_nobody compare
    check "  ... runner export answers" as_nobody export "$id"
    check "  ... and no file changed, appeared or went" bash -c "[ \"\$(cd shared && ls && sha256sum results.db)\" = '$before' ]"
done
check "  ... and the dead run was left for a writable reader to mark" has_status shared/results.db "$(sqlite3 -readonly shared/results.db "SELECT short_id FROM runs WHERE name = 'endless'")" running

# --- defect 6: a full disk ------------------------------------------------------------------
mkdir full && mount -t tmpfs -o size=8m tmpfs full && mounted="$work/full"
"$runner" run quick.json --db full/runs.db --quiet >/dev/null
start_endless full/runs.db
dead="$(sqlite3 full/runs.db "SELECT short_id FROM runs WHERE status = 'running'")"
stop_background
dd if=/dev/zero of=full/filler bs=4k 2>/dev/null || true   # fills the disk
check "full disk: runner list answers" "$runner" list --db full/runs.db
check "full disk: runner show answers" "$runner" show "$dead" --db full/runs.db
check "full disk: runner query answers" "$runner" query "SELECT count(*) FROM runs" --db full/runs.db
truncate -s -1M full/filler   # room for a run to start, and soon to fill
set +e; "$runner" run filling.json --db full/runs.db --quiet >"$work/run.out" 2>&1; code=$?; set -e
check "full disk: a run fails with a clear error, no crash (exit $code)" \
    bash -c "[ $code = 1 ] && grep -q 'database or disk is full' '$work/run.out' && ! grep -q 'Fatal error' '$work/run.out'"
filling="$(sqlite3 full/runs.db "SELECT short_id FROM runs WHERE name = 'filling'")"
check "  ... and is recorded failed at once, the disk still full" has_status full/runs.db "$filling" failed
check "  ... with the reason and the first epoch not written" \
    bash -c "sqlite3 full/runs.db \"SELECT error_message FROM runs WHERE short_id = '$filling'\" | grep -Eq '^disk full: database or disk is full while writing epoch [0-9]+$'"
check "  ... as its summary line says, counting the epochs trained" grep -Eq "^$filling  filling  failed  [0-9]+ epochs? trained " "$work/run.out"
rm full/filler
"$runner" list --db full/runs.db >/dev/null
check "space again: the killed run is marked interrupted" has_status full/runs.db "$dead" interrupted
check "space again: no run is left running" bash -c "[ \"\$(sqlite3 full/runs.db \"SELECT count(*) FROM runs WHERE status = 'running'\")\" = 0 ]"
umount full && mounted=""

# --- defect 7: PID namespaces -----------------------------------------------------------------
start_endless ns.db
host_run="$(sqlite3 ns.db "SELECT short_id FROM runs WHERE status = 'running'")"
unshare --pid --fork --mount-proc "$runner" list --db ns.db >/dev/null
check "a list in a new PID namespace leaves a live host run running" has_status ns.db "$host_run" running
stop_background
"$runner" list --db ns.db >/dev/null
start_endless ns.db unshare --pid --fork --kill-child --mount-proc
inner_run="$(sqlite3 ns.db "SELECT short_id FROM runs WHERE status = 'running'")"
check "a run in a new PID namespace records it" bash -c "[ \"\$(sqlite3 ns.db \"SELECT pid_namespace <> '$(readlink /proc/self/ns/pid)' FROM runs WHERE short_id = '$inner_run'\")\" = 1 ]"
stop_background   # --kill-child: the run dies with unshare
"$runner" list --db ns.db >/dev/null
check "its pid means nothing on the host: the run is kept while its heartbeat is fresh" has_status ns.db "$inner_run" running
sqlite3 ns.db "UPDATE runs SET heartbeat_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-11 minutes') WHERE short_id = '$inner_run'"
"$runner" list --db ns.db >/dev/null
check "  ... and marked interrupted once its heartbeat is 10 minutes old" has_status ns.db "$inner_run" interrupted

if [ "$failures" -gt 0 ]; then echo "$failures root check(s) failed" >&2; exit 1; fi
echo "all root checks passed"
