// folio/terminal.h: how secrets reach folio (a terminal with echo off, a file
// descriptor, or a file) and how strong a new passphrase is.
#pragma once

#include <string>

#include "folio/secret.h"

namespace folio {

// True if a controlling terminal can be opened (/dev/tty).
bool have_terminal() noexcept;

// Prints `prompt` on /dev/tty and reads one line with echo off.
// Error(refused) if there is no terminal, Error(cancelled) on end of input.
// The result is NFC-normalised (see normalize_secret).
Secret prompt_secret(const std::string& prompt);

// Keys typed after a passphrase and before the editor opens (while the KDF
// runs) would otherwise be echoed, stay in the scrollback, and reach the
// editor as commands. While an EchoHold lives, prompt_secret leaves echo off
// after the passphrase line; the terminal gets its settings back, with
// typed-ahead input discarded, at release_held_terminal() (the editor calls
// it just before it starts), at the next prompt, or when the last hold ends.
// Ctrl-C while held restores the terminal and exits as "cancelled".
//
//   EchoHold hold;                 // before the vault is opened
//   Vault v = open_vault(...);     // may prompt; echo stays off
//   edit_text(...);                // echo back on, typed-ahead flushed
class EchoHold {
 public:
  EchoHold() noexcept;
  ~EchoHold();
  EchoHold(const EchoHold&) = delete;
  EchoHold& operator=(const EchoHold&) = delete;
};
void release_held_terminal() noexcept;

// Reads the first line (without its line ending) from an open descriptor or a
// file. Error(invalid_argument) if it is empty, Error(io) if it cannot be read.
// The result is NFC-normalised. `option` is how the user gave the descriptor,
// for the messages.
Secret read_secret_fd(int fd, const std::string& option = "--passphrase-fd");
Secret read_secret_file(const std::string& path);

// NFC normalisation done entirely inside secure memory (utf8proc into caller
// buffers). Error(invalid_argument) if `in` is not valid UTF-8.
Secret normalize_secret(const Secret& in);

struct Strength {
  double bits = 0;           // estimated log2(guesses): zxcvbn, corrected for Chinese
  const char* rating = "";   // "very weak", "weak", "fair", "strong", "very strong", translated
};

// Passphrases below this need --allow-weak at init and passwd.
inline constexpr double kMinStrengthBits = 50.0;

// zxcvbn's estimate, lowered for Han text and typed pinyin: the minimum of
// zxcvbn as typed, zxcvbn on the toneless pinyin, a pinyin-syllable parse and
// a per-character parse with common Chinese phrases, surnames, YYYYMMDD dates
// and 520/1314-style numbers (src/crypto/strength.cpp).
Strength estimate_strength(const Secret& passphrase);

// Turns off core dumps (RLIMIT_CORE 0) and ptrace/proc access
// (PR_SET_DUMPABLE 0), and initialises libsodium. Call first in main().
void harden_process();

}  // namespace folio

namespace folio {

// Asks `question` on /dev/tty and reads y/yes (true) or anything else (false).
// Error(refused) if there is no terminal.
bool ask_yes_no(const std::string& question);

// Prints `prompt` on /dev/tty and reads one line with echo on (a name or a
// title, not a secret: the user sees what they type). Returns the line
// without its line ending (and a CR before it). Error(refused) if there is no
// terminal, Error(cancelled) on end of input (Ctrl-D) before a line ending,
// Error(invalid_argument) if the line is over `max_bytes` (the rest of it is
// read and dropped) or not UTF-8. Ctrl-C ends folio as the terminal's
// default says: nothing has been changed at a prompt.
std::string prompt_line(const std::string& prompt, std::size_t max_bytes);

}  // namespace folio
