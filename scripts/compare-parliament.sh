#!/usr/bin/env bash
# Compares `iamscope check` with parliament (duo-labs/parliament, an IAM linter) on the
# same 1,594 files in one run: every AWS managed policy of iamscope's embedded catalog,
# written out one file each. parliament is installed with pip into a virtual environment
# under the work directory; it is not a dependency of iamscope.
#
#   scripts/compare-parliament.sh [WORKDIR]      (default: $TMPDIR/iamscope-parliament)
#
# Prints a Markdown table of wall-clock seconds (best of RUNS, default 3) for
# `iamscope check DIR --format json` and `parliament --directory DIR --json`.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-${TMPDIR:-/tmp}/iamscope-parliament}"
runs="${RUNS:-3}"
mkdir -p "$work"

if [ ! -x "$work/venv/bin/parliament" ]; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install --quiet parliament
fi
cargo build --release --quiet --bin iamscope --example managed_files
rm -rf "$work/policies"
target/release/examples/managed_files "$work/policies" > /dev/null
files=$(find "$work/policies" -name '*.json' | wc -l)

# Best wall-clock time of $runs runs of a command, in seconds (its output discarded;
# both tools exit non-zero when they find something).
best() {
    local best=""
    for _ in $(seq "$runs"); do
        local start end took
        start=$(date +%s.%N)
        "$@" > /dev/null 2>&1 || true
        end=$(date +%s.%N)
        took=$(echo "$end - $start" | bc)
        if [ -z "$best" ] || [ "$(echo "$took < $best" | bc)" = 1 ]; then best=$took; fi
    done
    printf '%.2f' "$best"
}

iamscope=$(best target/release/iamscope check "$work/policies" --format json)
parliament=$(best "$work/venv/bin/parliament" --directory "$work/policies" --json)
version=$("$work/venv/bin/pip" show parliament | sed -n 's/^Version: //p')

echo "| linter, $files AWS managed policies as files | wall seconds (best of $runs) |"
echo "|---|---|"
echo "| \`iamscope check DIR --format json\` ($(nproc) cores) | $iamscope |"
echo "| \`parliament --directory DIR --json\` ($version) | $parliament |"
echo "| ratio | $(echo "scale=1; $parliament / $iamscope" | bc)× |"
