// What every command shares: the global options, unlocking the vault, reading
// text and passphrases, and printing. Commands are one file each in commands/.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "folio/editor.h"
#include "folio/kdf.h"
#include "folio/limits.h"
#include "folio/search.h"
#include "folio/secret.h"
#include "folio/terminal.h"
#include "folio/text.h"
#include "folio/vault.h"

namespace folio::cli {

struct Globals {
  std::string vault;  // empty: Vault::default_path()
  std::optional<int> passphrase_fd;
  std::string passphrase_file;
  bool recovery = false;
  bool no_agent = false;
  bool no_pager = false;
  // Set inside `folio shell`: opens the vault with the keys the shell keeps,
  // or returns nullopt when it keeps none. open_vault tries it first.
  std::function<std::optional<Vault>(Access)> reopen;
};

// While it lives, standard output goes through a pager when it is a
// terminal: $FOLIO_PAGER, else $PAGER, else `less`; with less's defaults
// LESS=FRX (quit at once when the text fits on one screen, keep colours, leave
// the text on the screen), LESSSECURE=1 (no saving to a file, no shell, no
// editor: a listing must not reach the disk from inside the pager) and
// LESSHISTFILE=- (no search history file). Nothing when stdout is not a
// terminal, with --no-pager, or when the pager variable is empty or "cat".
// The destructor flushes, closes the pipe and waits for the pager.
class Pager {
 public:
  explicit Pager(const Globals& g);
  ~Pager();
  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;

 private:
  int child_ = -1;
  int saved_stdout_ = -1;
};

// The kind of a record as a person reads it, in the user's language
// ("entry", "条目"); to_string(kind) is the word of --json, which stays English.
const char* kind_word(RecordKind kind);

// A command's work, run after parsing succeeded. Returns the exit code.
using Action = std::function<int()>;

// Each commands/<name>.cpp defines one of these.
void add_init(CLI::App& app, Globals& g, Action& run);
void add_add(CLI::App& app, Globals& g, Action& run);
void add_list(CLI::App& app, Globals& g, Action& run);
void add_show(CLI::App& app, Globals& g, Action& run);
void add_edit(CLI::App& app, Globals& g, Action& run);
void add_rm(CLI::App& app, Globals& g, Action& run);
void add_tags(CLI::App& app, Globals& g, Action& run);
void add_passwd(CLI::App& app, Globals& g, Action& run);
void add_version(CLI::App& app, Globals& g, Action& run);
void add_checklist(CLI::App& app, Globals& g, Action& run);
void add_item(CLI::App& app, Globals& g, Action& run);
void add_template(CLI::App& app, Globals& g, Action& run);
void add_due(CLI::App& app, Globals& g, Action& run);
void add_attach(CLI::App& app, Globals& g, Action& run);
void add_attachments(CLI::App& app, Globals& g, Action& run);
void add_extract(CLI::App& app, Globals& g, Action& run);
void add_search(CLI::App& app, Globals& g, Action& run);
void add_wipe(CLI::App& app, Globals& g, Action& run);
void add_unlock(CLI::App& app, Globals& g, Action& run);
void add_lock(CLI::App& app, Globals& g, Action& run);
void add_status(CLI::App& app, Globals& g, Action& run);
void add_vectors(CLI::App& app, Globals& g, Action& run);
void add_selftest(CLI::App& app, Globals& g, Action& run);
void add_export(CLI::App& app, Globals& g, Action& run);
void add_import(CLI::App& app, Globals& g, Action& run);
void add_restore(CLI::App& app, Globals& g, Action& run);
void add_keygen(CLI::App& app, Globals& g, Action& run);
void add_shell(CLI::App& app, Globals& g, Action& run);

std::filesystem::path vault_path(const Globals& g);

// Opens the vault for `access` (read for commands that only read, exclusive
// for those that change the header or replace the database): with the keys
// of `folio shell` when it runs the command (g.reopen), else through the
// session agent when one serves it (unless --no-agent or --recovery, or
// `use_agent` is false: commands that change keys always want the secret),
// else with the passphrase (or recovery code, with --recovery) read as the
// globals say. Fails with not_found before asking if there is none.
Vault open_vault(const Globals& g, Access access, bool use_agent = true);

// Error(invalid_argument) naming `option` unless `fd` (when given) was open
// when folio started. Every command checks its descriptors with this before
// it opens anything: a number the caller did not open would otherwise name
// one of folio's own files, such as the vault's, by the time it is read.
void require_open_fd(std::optional<int> fd, const char* option);

// Notes which descriptors named on the command line are open; first thing
// in main, before folio opens a file of its own.
void note_open_fds(int argc, char** argv);

// A secret read once: from descriptor `fd` (checked with require_open_fd,
// named `fd_option` in messages) or `file` if given, else asked at `prompt`
// on the terminal with echo off.
Secret read_given_secret(std::optional<int> fd, const std::string& file, const std::string& prompt,
                         const char* fd_option = "--passphrase-fd");

// A new passphrase: read once from fd/file if given, else asked twice on the
// terminal. Shows the strength estimate on stderr; refuses a weak one unless
// allow_weak.
Secret new_passphrase(std::optional<int> fd, const std::string& file, bool allow_weak,
                      const char* fd_option = "--passphrase-fd");

// The strength estimate's bits rounded down, for "about 2^{1} guesses" in a
// note on stderr (its rating, Strength::rating, is already translated).
long strength_bits(const Strength& s);

// KDF options shared by init and passwd.
struct KdfOptions {
  std::string memory;  // "256M", "1G", "64K"; a bare number is MiB
  std::optional<std::uint32_t> ops;
  bool allow_weak = false;
  void add_to(CLI::App& cmd);
  // The parameters these options ask for; `fallback` when none are given
  // (nullopt: calibrate). Refuses a cost below the floor without allow_weak.
  KdfParams resolve(std::optional<KdfParams> fallback) const;
};

// A --timeout or --max-lifetime of unlock (and shell): the clock span grammar
// of folio/dates.h, at most the agent's 24 hours. Error(invalid_argument)
// naming `option` otherwise.
std::chrono::seconds agent_span(const std::string& text, const char* option);

// -n/--limit of list and search: decimal digits only (no sign, no 0x, no
// spaces), from 1 to kMaxLimit. Error(invalid_argument) saying so otherwise.
inline constexpr std::size_t kMaxLimit = 1000000;
std::size_t parse_limit(const std::string& text);
// The same rule for any whole-number option: "--to must be a whole number
// from 1 to 1000000", with `example` as the hint.
std::size_t parse_whole_number(const std::string& text, const char* option, std::size_t min,
                               std::size_t max, const char* example);

// Runs `save`, which stores text typed in the editor. If it throws, the text
// is kept in RAM (EditedText::keep) and the error, rethrown with the same
// code, says where it is and how to store it: `save_with` gives the command
// that reads it on standard input ("folio add --title T"), asked after the
// failure, so it can depend on what failed. Without an
// edited text (it came from stdin or --text) `save` just runs. When the
// vault at `vault_dir` is gone (a panic or destroy while the editor was
// open), the text is wiped instead: that is what the user asked for.
void save_edited(std::optional<EditedText>& edited, const std::filesystem::path& vault_dir,
                 const std::function<void()>& save, const std::function<std::string()>& save_with);

// The text kept in `path`, said on stderr: what to run to store it, and how
// to remove it afterwards.
std::string kept_text_hint(const std::string& path, const std::string& save_with);

// `word` quoted for a POSIX shell when it needs it: for commands folio
// suggests in a hint, to copy and paste.
std::string shell_word(const std::string& word);

// "folio" and the --vault the user gave, if any, for commands in hints.
std::string folio_command(const Globals& g);

// All of standard input; Error(invalid_argument) if not UTF-8, or if it is
// over `max_bytes` (then no more than max_bytes + 1 bytes were read).
std::string read_stdin(std::size_t max_bytes = kMaxTextBytes);
bool stdin_is_terminal();

// Free text that need not be typed on the command line, where shell history
// and the process list keep it (docs/CLI.md, "Text from standard input or a
// prompt"): a field given as "-" is read from standard input, and a required
// one left out is asked for on the terminal.
//
//   TextFields fields;
//   fields.line(n->name, "NAME").text(n->description, "--description");
//   fields.read();                                   // the "-" field, if any
//   ask_if_left_out(n->name, "NAME", "Checklist name: ");
class TextFields {
 public:
  // A one-line field (a name, a title, a tag, a reference): the field's own
  // rules then refuse a line break inside it.
  TextFields& line(std::string& value, std::string what);
  TextFields& line(std::optional<std::string>& value, std::string what);
  // Repeatable: each "-" among `values` counts as one field.
  TextFields& line(std::vector<std::string>& values, std::string what);
  // A text of several lines (notes, a description).
  TextFields& text(std::optional<std::string>& value, std::string what);

  // True if one of the fields is "-".
  bool any() const;

  // Replaces the field given as "-" with all of standard input (read_stdin:
  // UTF-8, at most kMaxTextBytes), less one trailing line ending. Nothing
  // when no field is "-". Error(invalid_argument) when two are "-", or when
  // `body_from_stdin` (the command reads its body there too), both before
  // anything is read; Error(cancelled) when standard input holds nothing but
  // spaces and line breaks.
  void read(bool body_from_stdin = false);

 private:
  struct Field {
    std::string what;
    std::string* plain = nullptr;
    std::optional<std::string>* maybe = nullptr;
    std::vector<std::string>* many = nullptr;
  };
  std::vector<Field> fields_;
};

// A required free-text argument left out (`given` is false): asked at
// `prompt` on the terminal, echo on, when standard input is a terminal. An
// empty answer is Error(cancelled) (nothing was changed). Without a terminal:
// Error(invalid_argument, "<what> is required"), as for any missing argument.
// A value given, even "", is left to the field's own rules.
void ask_if_left_out(std::string& value, bool given, const std::string& what, const std::string& prompt);
bool stdout_is_terminal();

// True when colour is wanted: stdout is a terminal and NO_COLOR is unset or empty.
bool use_color();
std::string paint(const std::string& text, const char* sgr);

// Terminal columns of stdout, or 0 when it is not a terminal.
std::size_t terminal_columns();

// Pretty-printed JSON with the exact text (json_terminal_safe: a control or
// bidi character inside a string is a \u escape, not the raw character).
void print_json(const nlohmann::json& j);

// JSON of the records, the same shape everywhere they appear.
nlohmann::json to_json(const Checklist& c);
nlohmann::json to_json(const Item& i);
nlohmann::json to_json(const Attachment& a);
nlohmann::json to_json(const EntrySummary& e);

// "3 of 12 done" (n/a items left out).
std::string progress_text(const Checklist& c);
// "2.1 MB"
std::string size_text(std::uint64_t bytes);
// A progress line on stderr when it is a terminal; nothing otherwise.
Progress progress_bar(const std::string& label);
// The same for a count of records ("folio: LABEL  42%"), redrawn in place
// only when the percentage changes (at most 101 times however often it is
// called), ended by a line break once done reaches total. A call with
// done == 0 starts a new line, so one function may serve several runs.
Progress percent_progress(const std::string& label);
// "1h5m", "10m", "42s".
std::string describe_duration(std::chrono::seconds s);

// A line on stderr, "folio: ...", made terminal_safe (it may name a record).
void note(const std::string& line);

// A record named for a person: its id and, if it has one, its title in
// quotes: `3k9x4m2p "Bank statement"`. Not yet terminal_safe. It is the {N}
// of a whole translated sentence, so that a command tells which record it
// changed on stderr (note(trf("updated item {0}", record_label(id, title)))):
// a mistyped prefix shows at once, and standard output stays the id.
std::string record_label(const std::string& id, const std::string& title);
// `kind` (English, untranslated) and record_label: `item 3k9x4m2p "Bank
// statement"`. For messages not yet marked for translation; new ones use
// a whole sentence with record_label.
std::string record_text(const char* kind, const std::string& id, const std::string& title);

}  // namespace folio::cli
