#!/usr/bin/env bash
# A short, real tour of folio in a throwaway vault: installs what is missing,
# builds, then runs the commands a new user would, printing each one.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
# Its own build folder: the test command configures build/ with the tests on.
cmake -S . -B build-tour -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFOLIO_TESTS=OFF >/dev/null
cmake --build build-tour -j "$(nproc 2>/dev/null || echo 2)" --target folio_cli >/dev/null

tour=$(mktemp -d)
trap 'rm -rf "$tour"' EXIT
chmod 700 "$tour"
# A throwaway passphrase in a private file; a real user types it at the prompt.
printf 'tour: paper lantern orbit 灯笼 river\n' > "$tour/passphrase"
chmod 600 "$tour/passphrase"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/dev/shm}

folio() { build-tour/folio --vault "$tour/vault" --passphrase-file "$tour/passphrase" "$@"; }
step() { printf '\n\033[1m$ folio %s\033[0m\n' "$*"; }

step "init   (Argon2id calibrated to about one second on this machine)"
folio init
step "add --title 'First night' -t plans    (body on standard input)"
printf 'Packed the documents folder tonight. Passport is valid until 2029.\n' |
  folio add --title 'First night' -t plans
step "add --title '签证' -t visa -t 上海"
printf '我们在上海封控期间决定申请留学签证。明天去银行打印流水。\n' |
  folio add --title '签证' -t visa -t 上海
step "add -t visa"
printf 'Visa appointment moved to Thursday. Bring the notarized translation.\n' |
  folio add -t visa >/dev/null
step "list"
folio list
step "list --tag visa --since today"
folio list --tag visa --since today
id=$(folio list --tag 上海 --json | sed -n 's/.*"id": "\(.*\)".*/\1/p' | head -1)
step "show $id"
folio show "$id"
step "checklist new 'Student visa' --template study-abroad --lang zh"
folio checklist new 'Student visa' --template study-abroad --lang zh >/dev/null
step "item set 'Student visa:3' --due tomorrow --state requested"
folio item set 'Student visa:3' --due tomorrow --state requested >/dev/null
step "item done 'Student visa:1'"
folio item done 'Student visa:1' >/dev/null
printf 'Bank statement, January to June\n' > "$tour/statement.txt"
step "attach 'Student visa:3' statement.txt --remove-original"
folio attach 'Student visa:3' "$tour/statement.txt" --remove-original >/dev/null
step "checklist show 'Student visa'"
folio checklist show 'Student visa'
step "due --within 7d"
folio due --within 7d || true
step "tags"
folio tags
step "search 签证"
folio search 签证
step "shell    (unlock once; on a terminal a 'folio>' prompt with Tab completion and no history file; here the lines come from a here-document)"
folio shell <<'LINES'
item done 'Student visa:2'
search 银行
due --within 7d
LINES
step "rm $id --yes --shred    (delete, then re-key so that old copies of the file cannot be read)"
folio rm "$id" --yes --shred
step "list"
folio list
step "panic    (no passphrase: the keys are destroyed first, then the files)"
build-tour/folio --vault "$tour/vault" panic
ls "$tour/vault" 2>/dev/null || printf '(the vault folder is gone)\n'

