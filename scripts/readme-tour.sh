#!/usr/bin/env bash
# Runs the commands of README.md's tour in order, in a scratch copy of the repository, as a new
# user would from a fresh clone, and fails (naming the command and showing its output) when one
# fails. .ci/run runs it after the tests.
#
# The convention, for everyone who edits README.md:
#   * Only fenced ```console blocks are read. In them, a line that starts with "$ runner " is a
#     command; every other line is output, shown to readers but not compared (ids and timings vary).
#   * A command line ending in "\" continues on the next line.
#   * A command meant to fail ends with the comment "# exit N": it must exit with status N.
#   * A ```console block on the line right after "<!-- tour: skip -->" is not run (for commands
#     that need a cluster, a long time or another machine). Use it sparingly.
#   * Each command runs with bash in its own shell, in the scratch folder (which holds the
#     repository's tracked files, so experiments/ is there), with `runner` on PATH, NO_COLOR=1,
#     no RUNNER_DB, and standard input from /dev/null. Shell variables do not carry over from one
#     command to the next: write $(runner list -q ...) where an id is needed. In a pipeline only
#     the status of the last command counts.
#
# Usage: scripts/readme-tour.sh [README.md]    (RUNNER=path/to/runner to test another binary;
#                                               by default .build/debug/runner, built if missing)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readme="$(cd "$(dirname "${1:-$root/README.md}")" && pwd)/$(basename "${1:-README.md}")"
runner="${RUNNER:-$root/.build/debug/runner}"
if [ ! -x "$runner" ]; then
    (cd "$root" && swift build --product runner)
fi
runner="$(cd "$(dirname "$runner")" && pwd)/$(basename "$runner")"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/readme-tour.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/bin" "$scratch/repo"
ln -s "$runner" "$scratch/bin/runner"
(cd "$root" && git ls-files -z | tar --null -T - -cf -) | tar -C "$scratch/repo" -xf -

# The commands, one per record separated by NUL: "line<TAB>command".
commands="$scratch/commands"
awk '
    /^<!-- tour: skip -->[[:space:]]*$/ { skip_next = 1; next }
    /^```console[[:space:]]*$/ && !inside { inside = 1; skipping = skip_next; skip_next = 0; next }
    /^```/ && inside { inside = 0; next }
    { if (!inside && $0 !~ /^[[:space:]]*$/) skip_next = 0 }
    inside && !skipping {
        if (continuing) {
            command = command "\n" $0
        } else if ($0 ~ /^\$ runner /) {
            start = NR; command = substr($0, 3)
        } else {
            next
        }
        continuing = ($0 ~ /\\$/)
        if (!continuing) printf "%d\t%s%c", start, command, 0
    }
' "$readme" > "$commands"

count=0
failures=0
while IFS= read -r -d '' record; do
    line="${record%%$'\t'*}"
    command="${record#*$'\t'}"
    expected=0
    if [[ "$command" =~ \#\ exit\ ([0-9]+)[[:space:]]*$ ]]; then expected="${BASH_REMATCH[1]}"; fi
    count=$((count + 1))
    printf 'tour %3d  %s:%-4s $ %s\n' "$count" "$(basename "$readme")" "$line" "${command%%$'\n'*}"
    set +e
    (cd "$scratch/repo" && env -u RUNNER_DB NO_COLOR=1 PATH="$scratch/bin:$PATH" bash -c "$command" \
        < /dev/null > "$scratch/output" 2>&1)
    status=$?
    set -e
    if [ "$status" -ne "$expected" ]; then
        echo "FAILED: $(basename "$readme") line $line exited with status $status (expected $expected):" >&2
        echo "\$ $command" >&2
        sed 's/^/    /' "$scratch/output" >&2
        failures=$((failures + 1))
        break
    fi
done < "$commands"

if [ "$count" -eq 0 ]; then
    echo "FAILED: no \`\$ runner\` commands found in the console blocks of $readme" >&2
    exit 1
fi
if [ "$failures" -ne 0 ]; then exit 1; fi
echo "the tour's $count commands all ran (their output is not compared with the README's)"
