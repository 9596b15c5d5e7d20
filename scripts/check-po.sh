#!/usr/bin/env bash
# The build's translation check: every message the code marks (in POT) has a
# translation in PO that is neither empty nor fuzzy. Usage: check-po.sh POT PO
set -euo pipefail
pot=$1 po=$2
if out=$(msgcmp "$po" "$pot" 2>&1); then exit 0; fi
echo "folio: $(basename "$po") lacks translations of these messages (or they are fuzzy):" >&2
missing=$(mktemp)
trap 'rm -f "$missing"' EXIT
msgcmp "$po" "$pot" 2>&1 | sed -n 's/^[^:]*:\([0-9]*\): this message is used but not defined.*/\1/p' > "$missing" || true
while read -r line; do
  sed -n "$((line - 3)),$((line))p" "$pot" | grep -E '^(#:|msgid)' >&2
done < "$missing"
echo "$out" | grep -v 'used but not defined' >&2 || true
echo "folio: run scripts/update-po.sh, write the translations in $po (docs/TRANSLATING.md), and build again" >&2
exit 1
