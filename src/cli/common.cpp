#include "cli/common.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "folio/agent.h"
#include "folio/dates.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/limits.h"
#include "folio/secret.h"
#include "folio/terminal.h"
#include "folio/text.h"

namespace folio::cli {

std::filesystem::path vault_path(const Globals& g) {
  return g.vault.empty() ? Vault::default_path() : std::filesystem::path(g.vault);
}

namespace {

// The descriptors named on the command line that were open when folio started.
std::vector<int>& open_at_start() {
  static std::vector<int> fds;
  return fds;
}

}  // namespace

Secret read_given_secret(std::optional<int> fd, const std::string& file, const std::string& prompt,
                         const char* fd_option) {
  if (fd) {
    require_open_fd(fd, fd_option);
    return read_secret_fd(*fd, fd_option);
  }
  if (!file.empty()) return read_secret_file(file);
  return prompt_secret(prompt);
}

void note_open_fds(int argc, char** argv) {
  // Every argument that is a small number (or ends in "=N") is taken for a
  // descriptor: cheaper than knowing each option, and a number that is not
  // one costs one fcntl.
  for (int i = 1; i < argc; ++i) {
    std::string_view arg(argv[i]);
    if (auto eq = arg.find('='); eq != std::string_view::npos) arg.remove_prefix(eq + 1);
    if (arg.empty() || arg.size() > 6 || arg.find_first_not_of("0123456789") != std::string_view::npos) continue;
    int fd = std::stoi(std::string(arg));
    if (::fcntl(fd, F_GETFD) >= 0) open_at_start().push_back(fd);
  }
}

void require_open_fd(std::optional<int> fd, const char* option) {
  if (!fd) return;
  const auto& open = open_at_start();
  if (*fd < 0 || std::find(open.begin(), open.end(), *fd) == open.end() || ::fcntl(*fd, F_GETFD) < 0) {
    throw Error(Errc::invalid_argument, trf("{0} {1} is not an open file descriptor", option, *fd),
                tr("open it where folio is started (in a shell: 3<FILE), or give a file instead of a descriptor"));
  }
}

Vault open_vault(const Globals& g, Access access, bool use_agent) {
  auto dir = vault_path(g);
  if (!Vault::exists(dir) && !std::filesystem::exists(dir / "data")) {
    throw Error(Errc::not_found, trf("no vault in {0}", dir),
                tr("create one with 'folio init', or point to yours with --vault PATH"));
  }
  if (use_agent && g.reopen) {
    if (auto vault = g.reopen(access)) return std::move(*vault);
  }
  if (use_agent && !g.no_agent && !g.recovery) {
    // The agent is asked once the vault's lock is held (a rekey cannot come
    // between its answer and the open). Any trouble with the agent (a socket
    // that is not ours, one we cannot reach, one that does not answer in
    // time) is a warning, and the passphrase is asked as without an agent.
    auto from_agent = [&dir]() -> std::optional<std::vector<Secret>> {
      try {
        return agent::data_keys(dir);
      } catch (const Error& e) {
        // TRANSLATORS: {0} is a message saying what went wrong with the session agent.
        note(trf("warning: {0}", e.what()));
        return std::nullopt;
      }
    };
    if (auto vault = Vault::open_with_data_keys(dir, from_agent, access)) return std::move(*vault);
  }
  if (g.recovery) {
    Secret code = read_given_secret(g.passphrase_fd, g.passphrase_file, tr("Recovery code: "));
    return Vault::open(dir, code, SecretKind::recovery_code, access);
  }
  Secret pass = read_given_secret(g.passphrase_fd, g.passphrase_file, tr("Passphrase: "));
  return Vault::open(dir, pass, SecretKind::passphrase, access);
}

long strength_bits(const Strength& s) { return static_cast<long>(std::floor(s.bits)); }

Secret new_passphrase(std::optional<int> fd, const std::string& file, bool allow_weak, const char* fd_option) {
  Secret pass;
  if (fd || !file.empty()) {
    pass = read_given_secret(fd, file, "", fd_option);
  } else {
    pass = prompt_secret(tr("New passphrase: "));
    Secret again = prompt_secret(tr("Repeat the new passphrase: "));
    if (!pass.equals(again)) {
      throw Error(Errc::invalid_argument, tr("the two passphrases differ; nothing was changed"));
    }
  }
  Strength s = estimate_strength(pass);
  // TRANSLATORS: {0} is the rating ("weak", "strong"...), {1} a power of two.
  note(trf("passphrase strength: {0} (about 2^{1} guesses)", s.rating, strength_bits(s)));
  if (s.bits < kMinStrengthBits && !allow_weak) {
    throw Error(Errc::refused, tr("the passphrase is too weak; nothing was changed"),
                tr("use a longer passphrase (e.g. five or more random words), or --allow-weak"));
  }
  return pass;
}

void KdfOptions::add_to(CLI::App& cmd) {
  cmd.add_option("--kdf-memory", memory, tr("Argon2id memory: a number with K, M or G (bare: MiB)"));
  cmd.add_option("--kdf-ops", ops, tr("Argon2id passes (default: calibrated to about 1 second)"));
  cmd.add_flag("--allow-weak-kdf", allow_weak, tr("accept a cost below 256 MiB / 2 passes (for tests)"));
}

namespace {

std::uint64_t parse_size(const std::string& text) {
  std::size_t used = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(text, &used);
  } catch (...) {
    used = 0;
  }
  std::string unit = text.substr(used);
  std::uint64_t mult = 0;
  if (unit.empty() || unit == "M" || unit == "m" || unit == "MiB") mult = 1ull << 20;
  if (unit == "K" || unit == "k" || unit == "KiB") mult = 1ull << 10;
  if (unit == "G" || unit == "g" || unit == "GiB") mult = 1ull << 30;
  if (used == 0 || mult == 0 || n == 0 || n > (1ull << 42) / mult) {
    throw Error(Errc::invalid_argument, trf("invalid --kdf-memory '{0}'", text),
                tr("give a size such as 256M, 1G or 64K"));
  }
  return n * mult;
}

}  // namespace

KdfParams KdfOptions::resolve(std::optional<KdfParams> fallback) const {
  KdfParams p;
  if (memory.empty() && !ops && fallback) {
    p = *fallback;
  } else {
    std::uint64_t mem = memory.empty() ? kKdfFloorMemory : parse_size(memory);
    if (ops) {
      p = KdfParams{*ops, mem};
    } else {
      if (isatty(STDERR_FILENO)) note(tr("measuring this machine to set the key-derivation cost..."));
      p = calibrate_kdf(std::chrono::milliseconds(1000), mem);
      p.memory = mem;
    }
  }
  if (!is_within_bounds(p)) {
    throw Error(Errc::invalid_argument, tr("KDF parameters out of bounds"),
                tr("memory must be 8K to 4G in whole KiB, passes 1 to 64"));
  }
  if (is_below_floor(p)) {
    if (!allow_weak) {
      throw Error(Errc::refused, tr("that key-derivation cost is below the recommended floor (256 MiB, 2 passes)"),
                  tr("add --allow-weak-kdf if this vault is only for testing"));
    }
    note(tr("warning: weak key-derivation cost; a stolen vault is much easier to attack. Use this for tests only."));
  }
  return p;
}

std::string read_stdin(std::size_t max_bytes) {
  std::string s;
  char buf[65536];
  std::size_t n = 0;
  // Stops one byte past the limit: a 100 MB pipe is refused after reading
  // max_bytes + 1 of it, not after holding all of it in memory.
  while (s.size() <= max_bytes &&
         (n = std::fread(buf, 1, std::min(sizeof buf, max_bytes + 1 - s.size()), stdin)) > 0) {
    s.append(buf, n);
  }
  if (std::ferror(stdin)) throw Error(Errc::io, tr("cannot read standard input"));
  if (s.size() > max_bytes) {
    wipe(s.data(), s.size());
    throw Error(Errc::invalid_argument,
                trf("the text on standard input is over {0} MiB, more than one text may hold; nothing was saved",
                    max_bytes >> 20),
                tr("split it into several entries, or attach it as a file ('folio attach')"));
  }
  // TRANSLATORS: the subject of a message such as "... is not valid UTF-8".
  require_utf8(s, tr("the text on standard input"));
  return s;
}

std::size_t parse_whole_number(const std::string& text, const char* option, std::size_t min,
                               std::size_t max, const char* example) {
  // CLI11 would read 0x10 as 16 and 1e3 as 1000: a number is typed by hand,
  // so only plain decimal digits are taken (no sign, no spaces).
  std::size_t n = 0;
  bool ok = !text.empty() && text.size() <= 9;
  for (char c : text) {
    if (c < '0' || c > '9') {
      ok = false;
      break;
    }
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  if (!ok || n < min || n > max) {
    throw Error(Errc::invalid_argument, trf("{0} must be a whole number from {1} to {2}", option, min, max),
                trf("for example {0}", example));
  }
  return n;
}

std::size_t parse_limit(const std::string& text) { return parse_whole_number(text, "-n", 1, kMaxLimit, "-n 20"); }

std::string shell_word(const std::string& word) {
  bool plain = !word.empty();
  for (unsigned char c : word) {
    if (!(std::isalnum(c) || c == '/' || c == '.' || c == '-' || c == '_' || c == ':' || c == '=' ||
          c == '+' || c >= 0x80)) {
      plain = false;
    }
  }
  if (plain) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string folio_command(const Globals& g) {
  return g.vault.empty() ? "folio" : "folio --vault " + shell_word(g.vault);
}

std::string kept_text_hint(const std::string& path, const std::string& save_with) {
  // TRANSLATORS: {0} is a folio command, {1} the path of the kept text.
  return trf("save it with: {0} < {1} ; then remove it with: shred -u {1} (it is in RAM, never on disk, and "
             "stays there until you remove it or the computer restarts)",
             save_with, shell_word(path));
}

void save_edited(std::optional<EditedText>& edited, const std::filesystem::path& vault_dir,
                 const std::function<void()>& save, const std::function<std::string()>& save_with) {
  if (!edited) {
    save();
    return;
  }
  auto keep = [&edited]() -> std::string {
    try {
      return edited->keep();
    } catch (const Error&) {
      return {};
    }
  };
  // Checked before and after keeping: panic wipes kept texts when it is
  // done, so a text kept after that is wiped here (folio/editor.h).
  auto destroyed = [&vault_dir] { return !Vault::exists(vault_dir); };
  try {
    save();
  } catch (const Error& e) {
    // What failed is then beside the point (the database is gone, so the
    // error reads "damaged"): say what happened, and no "restore" hint.
    const Error gone(Errc::not_found,
                     tr("the vault was destroyed (folio panic) while you were editing; your text was "
                        "wiped with it and nothing was saved"));
    if (destroyed()) {
      edited->discard();
      throw gone;
    }
    std::string path = keep();
    if (!path.empty() && destroyed()) {
      wipe_kept_edits();
      throw gone;
    }
    // TRANSLATORS: {0} is the message of the error that stopped the save.
    if (path.empty()) throw Error(e.code(), trf("{0}; your text could not be kept either", e.what()), e.hint());
    std::string hint = kept_text_hint(path, save_with());
    // TRANSLATORS: {0} is the failed save's hint, {1} says how to store the kept text.
    if (!e.hint().empty()) hint = trf("{0}. Then {1}", e.hint(), hint);
    // TRANSLATORS: {0} is the message of the error that stopped the save, {1} a path.
    throw Error(e.code(), trf("{0}; nothing was saved, and your text is kept in {1}", e.what(), path), hint);
  } catch (const std::exception&) {
    std::string path = keep();
    if (!path.empty()) note(trf("your text is kept in {0}; {1}", path, kept_text_hint(path, save_with())));
    throw;
  }
  edited->discard();
}

bool stdin_is_terminal() { return isatty(STDIN_FILENO) == 1; }

TextFields& TextFields::line(std::string& value, std::string what) {
  fields_.push_back({std::move(what), &value, nullptr, nullptr});
  return *this;
}

TextFields& TextFields::line(std::optional<std::string>& value, std::string what) {
  fields_.push_back({std::move(what), nullptr, &value, nullptr});
  return *this;
}

TextFields& TextFields::line(std::vector<std::string>& values, std::string what) {
  fields_.push_back({std::move(what), nullptr, nullptr, &values});
  return *this;
}

TextFields& TextFields::text(std::optional<std::string>& value, std::string what) {
  return line(value, std::move(what));
}

bool TextFields::any() const {
  for (const auto& f : fields_) {
    if (f.plain && *f.plain == "-") return true;
    if (f.maybe && *f.maybe && **f.maybe == "-") return true;
    if (f.many && std::find(f.many->begin(), f.many->end(), "-") != f.many->end()) return true;
  }
  return false;
}

void TextFields::read(bool body_from_stdin) {
  // Which fields are "-", in the order the command lists them.
  std::vector<std::pair<const Field*, std::string*>> dashes;
  for (const auto& f : fields_) {
    if (f.plain && *f.plain == "-") dashes.emplace_back(&f, f.plain);
    if (f.maybe && *f.maybe && **f.maybe == "-") dashes.emplace_back(&f, &**f.maybe);
    if (f.many) {
      for (auto& v : *f.many) {
        if (v == "-") dashes.emplace_back(&f, &v);
      }
    }
  }
  if (dashes.empty()) return;
  const std::string& what = dashes[0].first->what;
  if (dashes.size() > 1) {
    const std::string& other = dashes[1].first->what;
    throw Error(Errc::invalid_argument,
                other == what ? trf("'{0} -' is given twice: standard input holds one text", what)
                              : trf("{0} and {1} are both '-': standard input holds one text", what, other),
                tr("give one of them from standard input and the other at the prompt or as an argument, "
                   "or change them one at a time"));
  }
  if (body_from_stdin) {
    throw Error(Errc::invalid_argument,
                trf("{0} is '-', but the body is read from standard input too: it holds one text", what),
                trf("change the body and {0} one at a time", what));
  }
  std::string got = read_stdin();
  if (!got.empty() && got.back() == '\n') got.pop_back();
  if (!got.empty() && got.back() == '\r') got.pop_back();
  if (got.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(Errc::cancelled, trf("{0} is '-', but standard input is empty; nothing was changed", what));
  }
  *dashes[0].second = std::move(got);
}

void ask_if_left_out(std::string& value, bool given, const std::string& what, const std::string& prompt) {
  if (given) return;
  if (!stdin_is_terminal() || !have_terminal()) {
    throw Error(Errc::invalid_argument, trf("{0} is required", what),
                tr("give it as an argument, or '-' to read it from standard input"));
  }
  std::string answer = prompt_line(prompt, kMaxTextBytes);
  if (answer.find_first_not_of(" \t") == std::string::npos) {
    throw Error(Errc::cancelled, tr("nothing was typed; nothing was changed"));
  }
  value = std::move(answer);
}
bool stdout_is_terminal() { return isatty(STDOUT_FILENO) == 1; }

bool use_color() {
  const char* no = std::getenv("NO_COLOR");
  return stdout_is_terminal() && (no == nullptr || *no == '\0');
}

std::string paint(const std::string& text, const char* sgr) {
  if (!use_color()) return text;
  return std::string("\x1b[") + sgr + "m" + text + "\x1b[0m";
}

std::size_t terminal_columns() {
  if (!stdout_is_terminal()) return 0;
  struct winsize ws {};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

void print_json(const nlohmann::json& j) {
  std::cout << json_terminal_safe(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace))
            << '\n';
}

nlohmann::json to_json(const Checklist& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"description", c.description ? nlohmann::json(*c.description) : nlohmann::json(nullptr)},
          {"target", c.target ? nlohmann::json(*c.target) : nlohmann::json(nullptr)},
          {"created", format_utc(c.created)},
          {"updated", format_utc(c.updated)},
          {"items", c.items},
          {"done", c.done},
          {"applicable", c.applicable}};
}

nlohmann::json to_json(const Item& i) {
  auto opt = [](const std::optional<std::string>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"id", i.id},
          {"checklist", i.checklist_id},
          {"checklist_name", i.checklist_name},
          {"number", i.number},
          {"title", i.title},
          {"state", i.state},
          {"due", opt(i.due)},
          {"expires", opt(i.expires)},
          {"notes", opt(i.notes)},
          {"attachments", i.attachments},
          {"created", format_utc(i.created)},
          {"updated", format_utc(i.updated)}};
}

nlohmann::json to_json(const Attachment& a) {
  return {{"id", a.id},           {"item", a.item_id},   {"name", a.name},
          {"media_type", a.media_type}, {"size", a.size}, {"blake2b", a.blake2b},
          {"created", format_utc(a.created)}};
}

nlohmann::json to_json(const EntrySummary& r) {
  return {{"id", r.id},
          {"created", format_utc(r.created)},
          {"updated", format_utc(r.updated)},
          {"title", r.title ? nlohmann::json(*r.title) : nlohmann::json(nullptr)},
          {"tags", r.tags},
          {"first_line", r.first_line},
          {"chars", r.body_chars}};
}

std::string progress_text(const Checklist& c) { return trf("{0} of {1} done", c.done, c.applicable); }

std::string size_text(std::uint64_t bytes) {
  char buf[32];
  if (bytes < 1000) {
    // TRANSLATORS: a size under 1000 bytes (always this form in English, "1 bytes" too).
    return trf("{0} bytes", bytes);
  }
  if (bytes < 1000 * 1000) {
    std::snprintf(buf, sizeof buf, "%.1f kB", static_cast<double>(bytes) / 1e3);
  } else if (bytes < 1000ull * 1000 * 1000) {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f GB", static_cast<double>(bytes) / 1e9);
  }
  return buf;
}

Progress progress_bar(const std::string& label) {
  if (isatty(STDERR_FILENO) != 1) return {};
  return [label](std::uint64_t done, std::uint64_t total) {
    int pct = total == 0 ? 100 : static_cast<int>(done * 100 / total);
    std::fprintf(stderr, "\r%s %3d%% (%s)", label.c_str(), pct, size_text(done).c_str());
    if (done >= total) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  };
}

Progress percent_progress(const std::string& label) {
  if (isatty(STDERR_FILENO) != 1) return {};
  return [label, shown = -1, ended = false](std::uint64_t done, std::uint64_t total) mutable {
    if (done == 0) ended = false;
    if (ended) return;
    int pct = total == 0 || done >= total ? 100 : static_cast<int>(done * 100 / total);
    if (pct == shown && done < total) return;
    shown = pct;
    std::fprintf(stderr, "\rfolio: %s %3d%%", terminal_safe(label).c_str(), pct);
    if (done >= total) {
      std::fprintf(stderr, "\n");
      ended = true;
      shown = -1;
    }
    std::fflush(stderr);
  };
}

std::string describe_duration(std::chrono::seconds s) {
  const long total = static_cast<long>(s.count());
  std::string out;
  // TRANSLATORS: hours, minutes and seconds of a duration written together: "1h5m", "10m", "42s".
  if (total >= 3600) out += trf("{0}h", total / 3600);
  if (total % 3600 >= 60) out += trf("{0}m", total % 3600 / 60);
  if (total < 3600 && (total % 60 != 0 || total == 0)) out += trf("{0}s", total % 60);
  return out;
}

void note(const std::string& line) { std::cerr << "folio: " << terminal_safe(line) << '\n'; }

std::string record_label(const std::string& id, const std::string& title) {
  return title.empty() ? id : id + " \"" + title + "\"";
}

std::string record_text(const char* kind, const std::string& id, const std::string& title) {
  return std::string(kind) + " " + record_label(id, title);
}

const char* kind_word(RecordKind kind) {
  switch (kind) {
    // TRANSLATORS: kinds of record, as in "deleted entry 3k9x4m2p".
    case RecordKind::entry: return tr("entry");
    case RecordKind::checklist: return tr("checklist");
    case RecordKind::item: return tr("item");
    case RecordKind::attachment: return tr("attachment");
  }
  return to_string(kind);
}

}  // namespace folio::cli
