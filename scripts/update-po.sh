#!/usr/bin/env bash
# Brings po/*.po up to date with the messages in the code: new messages are
# added with an empty translation (the build fails until someone writes one),
# changed ones are marked fuzzy, removed ones become obsolete (#~).
# Usage: scripts/update-po.sh   (then translate, and build)
set -euo pipefail
cd "$(dirname "$0")/.."
pot=$(mktemp --suffix=.pot)
trap 'rm -f "$pot"' EXIT
find src include/folio -name '*.cpp' -o -name '*.h' -o -name '*.inc' | LC_ALL=C sort |
  xgettext --language=C++ --from-code=UTF-8 --no-wrap --sort-by-file --add-location=file \
    --keyword= --keyword=tr:1 --keyword=trf:1 --keyword=trn:1,2 --keyword=N_:1 \
    --flag=tr:1:no-c-format --flag=trf:1:no-c-format --flag=trn:1:no-c-format --flag=trn:2:no-c-format \
    --flag=N_:1:no-c-format \
    --add-comments=TRANSLATORS: --package-name=folio -o "$pot" --files-from=-
for po in po/*.po; do
  msgmerge --quiet --update --backup=none --no-wrap --sort-by-file --add-location=file "$po" "$pot"
  # Obsolete entries only clutter the file.
  msgattrib --no-obsolete --no-wrap --sort-by-file --add-location=file -o "$po" "$po"
  msgfmt --statistics -o /dev/null "$po"
done
