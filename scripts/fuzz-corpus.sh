#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET, not committed) with the inputs of its
# shape from sample-policies/ and tests/fixtures/, so fuzzing starts from real vendor
# material rather than from nothing. Run from anywhere; then, for example:
#   cd fuzz && cargo +nightly fuzz run json corpus/json -- -dict=iam.dict
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/fuzz/corpus"

# The files under the inputs whose name matches one of the globs given, copied into
# corpus/TARGET under a name that keeps their path (so two fixtures never collide).
seed() {
  local target="$1"
  shift
  mkdir -p "$corpus/$target"
  local pattern
  for pattern in "$@"; do
    find "$root/sample-policies" "$root/tests/fixtures" -type f -name "$pattern" -size -256k -print0 |
      while IFS= read -r -d '' file; do
        local name="${file#"$root"/}"
        cp "$file" "$corpus/$target/${name//\//_}"
      done
  done
  echo "fuzz/corpus/$target: $(find "$corpus/$target" -type f | wc -l) inputs"
}

seed json '*.json'
seed markdown '*.md'
seed html '*.html' '*.htm'
seed page_text '*.txt' '*.rst'
seed cloudformation '*.yaml' '*.yml' '*.template'
seed terraform '*.tf' '*.tftpl' '*.tmpl'
seed cloudtrail '*.json' '*.jsonl' '*.gz'
seed authorization_details '*.json'
seed dump_window '*.json'
seed detect '*'
seed pipeline '*'
