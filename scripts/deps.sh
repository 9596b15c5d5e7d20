#!/usr/bin/env bash
# Installs the Debian 12 packages folio needs, if any are missing.
# Usage: scripts/deps.sh [build|test]   (test adds what only the tests use)
set -euo pipefail

build_pkgs=(cmake g++ make pkg-config libsodium-dev libsqlcipher-dev
            libcli11-dev nlohmann-json3-dev libutf8proc-dev libzxcvbn-dev
            zlib1g-dev   # zlib: 'folio vectors run' inflates compressed CCTV vectors
            libssl-dev   # libcrypto: 'folio check' verifies SQLCipher's page HMACs itself
            libedit-dev  # folio shell: line editing and Tab completion (BSD licence), history in memory only
            libexiv2-dev  # attach: photo metadata (GPS, camera, artist) read and stripped in memory
            gettext       # xgettext, msgfmt, msgcmp: the zh_CN translation, checked and compiled at build time
            dpkg-dev)     # dpkg-shlibdeps: 'cpack -G DEB' derives the .deb's Depends with it
# strace, openssl: the wipe tests; clang and libclang-rt-14-dev (libFuzzer, only
# recommended by clang, and deps.sh installs without recommends): the fuzz run.
# man-db (with groff-base): test_manpage renders folio.1, test_deb runs 'man -w folio';
# zsh: test_completion drives the zsh completion script.
test_pkgs=(catch2 sqlcipher age python3-nacl python3 tmux strace openssl clang libclang-rt-14-dev
           man-db zsh)

want=("${build_pkgs[@]}")
if [ "${1:-build}" = test ]; then want+=("${test_pkgs[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "folio: installing missing Debian packages: ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "folio: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
