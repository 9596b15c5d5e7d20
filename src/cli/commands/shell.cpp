// folio shell: unlock once, then folio's own commands at a prompt. Each line
// is split into words (quotes and backslashes as in a POSIX shell, nothing
// else) and run in this process by run_command (cli/run.h), with the parser,
// checks, messages and exit codes of the one-shot command, and with the keys
// the shell keeps (folio/session.h): nothing typed here reaches the argv of
// any process, nor a history file. docs/CLI.md, "folio shell".
#include <editline/readline.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/common.h"
#include "cli/run.h"
#include "folio/agent.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/secret.h"
#include "folio/session.h"
#include "folio/terminal.h"

namespace folio::cli {
namespace {

enum class Quote { none, single, dbl };

// A line split into words as far as it goes: the whole words, and the word
// the line ends in (with the quote it is inside, if any).
struct LineWords {
  std::vector<std::string> words;
  std::string last;     // the unfinished last word, unquoted
  bool in_word = false;  // the line ends inside a word (`last` may be empty: '')
  Quote quote = Quote::none;
  bool trailing_backslash = false;

  void wipe_all() noexcept {
    for (auto& w : words) folio::wipe(w.data(), w.size());
    folio::wipe(last.data(), last.size());
  }
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// POSIX quoting only: '...' keeps everything, "..." keeps everything but
// \" \\ \$ \` (the backslash goes), a backslash outside quotes keeps the next
// character. No globbing, no variables, no comments: a '*' or '$' is text.
LineWords split_line(std::string_view line) {
  LineWords out;
  std::string word;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (out.quote == Quote::single) {
      if (c == '\'') {
        out.quote = Quote::none;
      } else {
        word += c;
      }
      continue;
    }
    if (out.quote == Quote::dbl) {
      if (c == '"') {
        out.quote = Quote::none;
      } else if (c == '\\' && i + 1 < line.size() && std::strchr("\"\\$`", line[i + 1]) != nullptr) {
        word += line[++i];
      } else {
        word += c;
      }
      continue;
    }
    if (is_blank(c)) {
      if (out.in_word) out.words.push_back(std::move(word));
      word.clear();
      out.in_word = false;
      continue;
    }
    out.in_word = true;
    if (c == '\'') {
      out.quote = Quote::single;
    } else if (c == '"') {
      out.quote = Quote::dbl;
    } else if (c == '\\') {
      if (i + 1 < line.size()) {
        word += line[++i];
      } else {
        out.trailing_backslash = true;
      }
    } else {
      word += c;
    }
  }
  out.last = std::move(word);
  return out;
}

// `text` as it must be typed to stay one word, inside `quote` (where the
// word being completed is).
std::string quoted_for(std::string_view text, Quote quote) {
  std::string out;
  for (char c : text) {
    if (quote == Quote::single) {
      out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    } else if (quote == Quote::dbl) {
      if (std::strchr("\"\\$`", c) != nullptr) out += '\\';
      out += c;
    } else {
      if (is_blank(c) || std::strchr("'\"\\", c) != nullptr) out += '\\';
      out += c;
    }
  }
  return out;
}

bool has_control(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// The longest common start of `a` and `b`, cut back to a whole UTF-8 character.
std::size_t common_start(const std::string& a, const std::string& b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  while (n > 0 && n < a.size() && (static_cast<unsigned char>(a[n]) & 0xC0) == 0x80) --n;
  return n;
}

// What the shell knows of the open vault for Tab: read again on the first
// Tab after a command (any command may have changed it).
struct VaultNames {
  bool stale = true;
  std::vector<std::string> tags;
  std::vector<std::string> records;  // checklist names, then the ids of checklists, items, entries
  std::vector<std::string> items;

  void clear() noexcept {
    for (auto* list : {&tags, &records, &items}) {
      for (auto& s : *list) folio::wipe(s.data(), s.size());
      list->clear();
    }
    stale = true;
  }
};

constexpr const char* kRefusedInside[] = {"init", "shell", "unlock", "agent-serve", "restore"};
constexpr const char* kGlobalsOfStart[] = {"--vault", "--passphrase-fd", "--passphrase-file", "--recovery",
                                           "--no-agent"};

struct Shell {
  Globals outer;  // as `folio shell` was given them
  Globals inner;  // for each command: the vault, the keys, no pager
  std::filesystem::path dir;
  Session session;
  std::chrono::seconds idle{600};
  VaultNames names;
  bool vault_gone = false;

  // The vault, opened with the kept keys; the first time (or when none are
  // kept: it came from the agent, which has since locked) as open_vault
  // does, keeping the key that opened it.
  Vault open(Access access) {
    if (!session.empty()) return session.open(access);
    Vault v = open_vault(outer, access);
    session = Session::of(v);
    return v;
  }

  void refresh_names() {
    if (!names.stale) return;
    names.clear();
    try {
      Vault v = open(Access::read);
      for (const auto& t : v.journal().tags()) names.tags.push_back(t.name);
      auto lists = v.checklists().list();
      for (const auto& c : lists) names.records.push_back(c.name);
      for (const auto& c : lists) {
        names.records.push_back(c.id);
        for (const auto& i : v.checklists().items(c.id)) {
          names.records.push_back(i.id);
          names.items.push_back(i.id);
        }
      }
      for (const auto& e : v.journal().list()) names.records.push_back(e.id);
    } catch (const Error&) {
      // Tab offers what it can: the commands still complete.
    }
    names.stale = false;
  }

  std::vector<std::string> candidates(const std::vector<std::string>& before, const std::string& typed) {
    std::string prev = before.empty() ? "" : before.back();
    if (prev == "-t" || prev == "--tag") {
      refresh_names();
      return names.tags;
    }
    if (prev == "--item") {
      refresh_names();
      return names.items;
    }
    Candidates c = command_candidates(before);
    if (!typed.empty() && typed[0] == '-') return c.options;
    if (!c.commands.empty()) {
      if (before.empty()) {
        c.commands.push_back("exit");
        c.commands.push_back("quit");
      }
      return c.commands;
    }
    refresh_names();
    return names.records;
  }

  // Runs one line. False when the shell is to end.
  bool run_line(const std::string& line) {
    LineWords w = split_line(line);
    struct Wiper {
      LineWords& w;
      ~Wiper() { w.wipe_all(); }
    } wiper{w};
    if (w.quote != Quote::none || w.trailing_backslash) {
      report_error(Error(Errc::invalid_argument, tr("the line ends inside a quote or after a backslash; it was not run"),
                         tr("close the quote ('...' or \"...\") on the same line")));
      return true;
    }
    if (w.in_word) w.words.push_back(std::move(w.last));
    if (w.words.empty()) return true;
    const std::string& word = w.words[0];
    if ((word == "exit" || word == "quit" || word == "lock") && w.words.size() == 1) {
      if (word == "lock") agent::lock(dir);  // `folio lock` ends the agent: so does lock here
      return false;
    }
    for (const char* refused : kRefusedInside) {
      if (word == refused) {
        report_error(Error(Errc::invalid_argument, trf("'{0}' is not run inside the shell", word),
                           trf("leave the shell (exit) and run 'folio {0}'", word)));
        return true;
      }
    }
    for (const auto& arg : w.words) {
      if (arg == "--") break;
      for (const char* global : kGlobalsOfStart) {
        if (arg == global || arg.rfind(std::string(global) + "=", 0) == 0) {
          report_error(Error(Errc::invalid_argument, trf("'{0}' is given when the shell starts, not to a command in it", global),
                             trf("leave the shell and start it again: folio {0} ... shell", global)));
          return true;
        }
      }
    }
    if (word == "help" && w.words.size() == 1) {
      std::cout << tr("In the shell: folio's commands without 'folio' (add, list, checklist new ..., item set ...),\n"
                      "quoted as in a POSIX shell; Tab completes; 'exit', 'lock' or Ctrl-D locks and leaves.\n")
                << '\n';
    }
    run_command(w.words, &inner);
    names.stale = true;
    // panic and destroy end the shell: there is nothing left to unlock.
    if (!Vault::exists(dir)) {
      vault_gone = true;
      return false;
    }
    return true;
  }
};

Shell* g_shell = nullptr;
volatile sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

// The line editor hands the line over here; it is run once the editor has
// given the terminal back.
std::optional<std::string> g_line;
bool g_line_done = false;
void on_line(char* line) {
  g_line_done = true;
  if (line == nullptr) return;  // Ctrl-D
  g_line = std::string(line);
  folio::wipe(line, std::strlen(line));
  std::free(line);
}

char* malloc_copy(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p != nullptr) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

// Tab: completes the word at the cursor from the candidates, adding only
// what is missing, quoted to fit where it goes (a name with a space or a
// quote in it stays one word), so a name in Chinese or with spaces needs no
// quoting by hand. libedit replaces `text` (what follows the last blank)
// with the first match: `text` and what is added. Several candidates: their
// common start; a second Tab lists them.
char** on_tab(const char* text, int, int) {
  rl_attempted_completion_over = 1;
  if (g_shell == nullptr) return nullptr;
  // libedit counts rl_point in characters, not bytes.
  std::string_view line(rl_line_buffer);
  std::size_t end = 0;
  for (int chars = 0; end < line.size(); ++end) {
    bool lead = (static_cast<unsigned char>(line[end]) & 0xC0) != 0x80;
    if (lead && chars++ == rl_point) break;
  }
  std::string before(line.substr(0, end));
  LineWords w = split_line(before);
  folio::wipe(before.data(), before.size());
  std::string typed = w.in_word ? w.last : std::string();
  std::vector<std::string> found;
  std::set<std::string> seen;
  for (const auto& c : g_shell->candidates(w.words, typed)) {
    if (c.rfind(typed, 0) == 0 && !has_control(c) && seen.insert(c).second) found.push_back(c);
  }
  w.wipe_all();
  if (found.empty()) return nullptr;
  std::size_t common = found[0].size();
  for (const auto& f : found) common = std::min(common, common_start(found[0], f));
  std::string first = std::string(text) +
                      quoted_for(std::string_view(found[0]).substr(typed.size(), common - typed.size()), w.quote);
  if (found.size() == 1) {
    if (w.quote == Quote::single) first += '\'';
    if (w.quote == Quote::dbl) first += '"';
    first += ' ';
  }
  auto** matches = static_cast<char**>(std::calloc(found.size() + 2, sizeof(char*)));
  if (matches == nullptr) return nullptr;
  matches[0] = malloc_copy(first);
  if (found.size() > 1) {
    for (std::size_t i = 0; i < found.size(); ++i) matches[i + 1] = malloc_copy(found[i]);
  }
  return matches;
}

constexpr char kPrompt[] = "folio> ";

// With a terminal: libedit's callback interface, so the idle timeout can
// run between keys. Returns when the shell is to end.
void run_on_terminal(Shell& shell) {
  // libedit reads UTF-8 (Chinese names) only in a UTF-8 locale.
  std::setlocale(LC_CTYPE, "");
  rl_readline_name = "folio";
  rl_catch_signals = 0;
  rl_outstream = stderr;
  rl_attempted_completion_function = on_tab;
  // on_tab adds the space (or the closing quote) itself; only blanks end a
  // word for libedit, so `text` is always the end of the word at the cursor.
  rl_completion_append_character = '\0';
  static char breaks[] = " \t\n";
  rl_completer_word_break_characters = breaks;
  rl_basic_word_break_characters = breaks;
  rl_initialize();
  struct sigaction sa {}, old_int {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, &old_int);

  auto last_key = std::chrono::steady_clock::now();
  rl_callback_handler_install(kPrompt, on_line);
  for (;;) {
    auto left = shell.idle - (std::chrono::steady_clock::now() - last_key);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count();
    if (ms <= 0) {
      rl_callback_handler_remove();
      std::fputs("\n", stderr);
      note(trf("idle for {0}", describe_duration(shell.idle)));
      break;
    }
    pollfd p{STDIN_FILENO, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(ms, 60000)));
    if (r < 0 && errno == EINTR) {
      if (g_interrupted) {
        // Ctrl-C drops the line being typed, as in a shell.
        g_interrupted = 0;
        rl_callback_handler_remove();
        std::fputs("^C\n", stderr);
        rl_callback_handler_install(kPrompt, on_line);
        last_key = std::chrono::steady_clock::now();
      }
      continue;
    }
    if (r <= 0) continue;
    if ((p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0 && (p.revents & POLLIN) == 0) {
      rl_callback_handler_remove();
      break;
    }
    last_key = std::chrono::steady_clock::now();
    rl_callback_read_char();
    if (!g_line_done) continue;
    g_line_done = false;
    rl_callback_handler_remove();
    if (!g_line) {
      std::fputs("\n", stderr);  // after the ^D
      break;
    }
    std::string line = std::move(*g_line);
    g_line.reset();
    if (line.find_first_not_of(" \t") != std::string::npos) add_history(line.c_str());
    // A command runs as the one-shot one would: Ctrl-C as there.
    ::sigaction(SIGINT, &old_int, nullptr);
    bool go_on = shell.run_line(line);
    ::sigaction(SIGINT, &sa, nullptr);
    folio::wipe(line.data(), line.size());
    if (!go_on) break;
    last_key = std::chrono::steady_clock::now();
    rl_callback_handler_install(kPrompt, on_line);
  }
  ::sigaction(SIGINT, &old_int, nullptr);
  // The history lives in libedit's memory only: gone with it.
  clear_history();
}

// Without a terminal (a script, a here-document): lines from standard input,
// no prompt, no echo, read a byte at a time so that nothing past the line is
// taken from the script. Each command gets /dev/null as its standard input:
// it must not eat the lines after it.
void run_from_stdin(Shell& shell) {
  std::string line;
  auto last_line = std::chrono::steady_clock::now();
  bool more = true;
  while (more) {
    auto left = shell.idle - (std::chrono::steady_clock::now() - last_line);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count();
    if (ms <= 0) {
      note(trf("idle for {0}", describe_duration(shell.idle)));
      break;
    }
    pollfd p{STDIN_FILENO, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(ms, 60000)));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw Error(Errc::io, tr("cannot read standard input"));
    if (r == 0) continue;
    char c = 0;
    ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(Errc::io, tr("cannot read standard input"));
    if (n == 1 && c != '\n') {
      line += c;
      continue;
    }
    more = n == 1;
    if (line.empty()) continue;
    int saved = ::dup(STDIN_FILENO);
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (saved < 0 || null < 0) throw Error(Errc::io, tr("cannot open /dev/null"));
    ::dup2(null, STDIN_FILENO);
    ::close(null);
    std::clearerr(stdin);
    bool go_on = shell.run_line(line);
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    std::clearerr(stdin);
    folio::wipe(line.data(), line.size());
    line.clear();
    if (!go_on) break;
    last_line = std::chrono::steady_clock::now();
  }
  folio::wipe(line.data(), line.size());
}

}  // namespace

void add_shell(CLI::App& app, Globals& g, Action& run) {
  auto timeout = std::make_shared<std::string>("10m");
  CLI::App* cmd = app.add_subcommand(
      "shell",
      tr("unlock once and type folio's commands at a 'folio>' prompt (Tab completes); nothing typed there "
         "reaches a history file or any process's arguments. Locks on exit, Ctrl-D or the idle timeout"));
  cmd->add_option("--timeout", *timeout, tr("lock after this long without a key pressed (e.g. 90s, 10m, 2h; at most 24h)"))
      ->capture_default_str();
  cmd->callback([&g, &run, timeout] {
    run = [&g, timeout] {
      Shell shell;
      shell.idle = agent_span(*timeout, "--timeout");
      shell.outer = g;
      shell.dir = vault_path(g);
      shell.inner.vault = g.vault;
      shell.inner.no_pager = true;
      shell.inner.reopen = [&shell](Access access) -> std::optional<Vault> { return shell.open(access); };
      // Unlocked now, once: a wrong passphrase ends here, before a prompt.
      { Vault first = shell.open(Access::read); }
      g_shell = &shell;
      if (stdin_is_terminal()) {
        note(tr("unlocked; 'help' lists the commands, Tab completes, 'exit' or Ctrl-D locks"));
        run_on_terminal(shell);
      } else {
        run_from_stdin(shell);
      }
      g_shell = nullptr;
      shell.session.forget();
      shell.names.clear();
      if (!shell.vault_gone) note(tr("locked"));
      return 0;
    };
  });
}

}  // namespace folio::cli
