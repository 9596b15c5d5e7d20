#!/usr/bin/env bash
# Writes a seed for fuzz/payload_fuzz: the backup payload (export --plaintext
# --format json) of a small throwaway vault that holds every kind of record:
# entries in Chinese and English with tags, one linked to an item, a
# checklist from a template, items with dates, states and notes, an
# attachment and a saved template. The vault is made at the cheapest KDF cost
# in a temporary folder and destroyed afterwards; the payload is test data.
#
# Usage: fuzz/make_payload_seeds.sh FOLIO_BINARY OUT_DIR
set -euo pipefail
umask 077  # the payload is plaintext: test data, but made like folio makes files
if [ $# -ne 2 ]; then
  sed -n '2,9p' "$0" >&2
  exit 2
fi
folio=$1
out=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf 'fuzz seed passphrase\n' >"$work/pass"
chmod 600 "$work/pass"
f() { "$folio" --no-agent --vault "$work/vault" --passphrase-file "$work/pass" "$@"; }

f init --kdf-memory 8K --kdf-ops 1 --allow-weak-kdf --allow-weak >/dev/null 2>&1
f add --title "First night" --tag plans --text "We talked about the visa interview at home." >/dev/null
f add --title "上海" --tag 签证 --tag plans --text "我们在上海封控期间决定申请留学签证。Ｖｉｓａ later." >/dev/null
checklist=$(f checklist new "Study abroad" --description "留学" --target 2027-09-01 --template study-abroad --lang en)
item=$(f item add "$checklist" "Notarized translation" --state requested --due 2027-03-01 --expires 2032-03-01 \
         --notes "at the notary on Fuzhou Road")
f add --item "$item" --text "Booked the notary." >/dev/null
printf '%%PDF-1.4 a scanned page\n' >"$work/scan.pdf"
f attach "$item" "$work/scan.pdf" >/dev/null 2>&1
f checklist save-template "$checklist" "my study abroad" >/dev/null 2>&1
mkdir -p "$out"
f export --plaintext --format json >"$out/vault.jsonl" 2>/dev/null
f destroy --yes >/dev/null 2>&1
echo "make_payload_seeds: wrote $out/vault.jsonl ($(wc -l <"$out/vault.jsonl") lines)"
