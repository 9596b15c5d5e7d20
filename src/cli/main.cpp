// folio's entry point: parse, run one command, map errors to exit codes.
// Only this file prints errors and decides exit codes.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "cli/common.h"
#include "folio/editor.h"
#include "folio/error.h"
#include "folio/terminal.h"
#include "folio/text.h"

namespace {

using folio::Errc;

// Documented in docs/CLI.md and `folio help`; scripts depend on them.
int exit_code(Errc code) {
  switch (code) {
    case Errc::invalid_argument: return 2;
    case Errc::not_found: return 3;
    case Errc::wrong_passphrase: return 4;
    case Errc::corrupt: return 5;
    case Errc::unsupported_version: return 6;
    case Errc::already_exists: return 7;
    case Errc::io: return 8;
    case Errc::refused: return 9;
    case Errc::cancelled: return 10;
    case Errc::internal: return 70;
  }
  return 70;
}

constexpr char kFooter[] = R"(
Exit codes:
  0 success            1 (due) overdue; (selftest, vectors run) a test failed;
                       (status) locked
  2 invalid usage or input                         3 not found (vault, id)
  4 wrong passphrase   5 damaged vault file       6 vault from a newer folio
  7 already exists     8 input/output error       9 refused by a safety rule
  10 cancelled          70 internal error

Passphrases are read from the terminal with echo off, or with --passphrase-fd /
--passphrase-file; never from arguments or the environment.
See docs/CLI.md, docs/FORMAT.md and docs/THREAT_MODEL.md.
)";

// Made terminal_safe: a message may echo an id, a name or a path the user
// (or a crafted backup) gave, and each stays one "folio: ..." line.
void print_error(const std::string& message, const std::string& hint) {
  std::cerr << "folio: error: " << folio::terminal_safe(message) << '\n';
  if (!hint.empty()) std::cerr << "folio: hint: " << folio::terminal_safe(hint) << '\n';
}

using Adder = void (*)(CLI::App&, folio::cli::Globals&, folio::cli::Action&);

struct Command {
  Adder add;
  const char* names;  // the top-level commands it registers, space-separated
};

// Every command, in the order `folio help` lists them.
constexpr Command kCommands[] = {
    {folio::cli::add_init, "init"},
    {folio::cli::add_add, "add"},
    {folio::cli::add_list, "list"},
    {folio::cli::add_show, "show"},
    {folio::cli::add_edit, "edit"},
    {folio::cli::add_rm, "rm"},
    {folio::cli::add_tags, "tags"},
    {folio::cli::add_passwd, "passwd"},
    {folio::cli::add_search, "search check reindex"},
    {folio::cli::add_wipe, "rekey destroy panic"},
    {folio::cli::add_unlock, "unlock agent-serve"},
    {folio::cli::add_lock, "lock"},
    {folio::cli::add_status, "status"},
    {folio::cli::add_checklist, "checklist"},
    {folio::cli::add_item, "item"},
    {folio::cli::add_due, "due"},
    {folio::cli::add_attach, "attach"},
    {folio::cli::add_attachments, "attachments"},
    {folio::cli::add_extract, "extract"},
    {folio::cli::add_template, "template"},
    {folio::cli::add_export, "export"},
    {folio::cli::add_import, "import"},
    {folio::cli::add_restore, "restore"},
    {folio::cli::add_keygen, "keygen"},
    {folio::cli::add_version, "version"},
    {folio::cli::add_selftest, "selftest"},
    {folio::cli::add_vectors, "vectors"},
};

bool names_include(const char* names, const std::string& word) {
  std::string_view rest(names);
  while (!rest.empty()) {
    std::size_t space = rest.find(' ');
    if (rest.substr(0, space) == word) return true;
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  return false;
}

// The command named on the command line: the first argument that is not a
// global option or its value. Empty when there is none.
std::string command_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg(argv[i]);
    if (arg == "--vault" || arg == "--passphrase-fd" || arg == "--passphrase-file") {
      ++i;  // its value
      continue;
    }
    if (!arg.empty() && arg[0] == '-') continue;
    return std::string(arg);
  }
  return {};
}

// Building CLI11's parser for every command was a third of the instructions
// of `folio version`, and every folio command is a new process, so a known
// command gets only its own subcommands. Help, an unknown word or a
// missing command build them all, so CLI11 lists or rejects exactly as before.
void register_commands(CLI::App& app, folio::cli::Globals& g, folio::cli::Action& run,
                       const std::string& word) {
  for (const Command& c : kCommands) {
    if (!word.empty() && names_include(c.names, word)) {
      c.add(app, g, run);
      return;
    }
  }
  for (const Command& c : kCommands) c.add(app, g, run);
}

// How long a command waits for another on the same vault: 30 seconds, or
// FOLIO_LOCK_TIMEOUT seconds (0 to 3600; for tests and scripts that would
// rather fail at once). docs/CLI.md, "Two commands at once". A value that is
// not one is a warning, not an error: panic must not fail on it.
std::chrono::milliseconds lock_timeout() {
  constexpr std::chrono::seconds kDefault{30};
  const char* text = std::getenv("FOLIO_LOCK_TIMEOUT");
  if (text == nullptr || *text == '\0') return kDefault;
  char* end = nullptr;
  double seconds = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(seconds >= 0 && seconds <= 3600)) {
    folio::cli::note("warning: FOLIO_LOCK_TIMEOUT is not a number of seconds from 0 to 3600; waiting up to 30 s");
    return kDefault;
  }
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

// Every option named --...-fd that was given: it must name a descriptor the
// caller opened, checked before the command opens a file of its own.
void check_descriptors(const CLI::App* app) {
  for (const CLI::Option* opt : app->get_options()) {
    if (opt->count() == 0) continue;
    for (const std::string& name : opt->get_lnames()) {
      if (name.size() > 3 && name.compare(name.size() - 3, 3, "-fd") == 0) {
        folio::cli::require_open_fd(opt->as<int>(), ("--" + name).c_str());
      }
    }
  }
  for (const CLI::App* sub : app->get_subcommands()) check_descriptors(sub);
}

}  // namespace

int main(int argc, char** argv) {
  // Before folio opens anything: a descriptor the caller did not open would
  // otherwise be one of folio's own by the time it is read.
  folio::cli::note_open_fds(argc, argv);
  try {
    folio::harden_process();
    folio::set_lock_wait({lock_timeout(), [] {
                            folio::cli::note("waiting for another folio command on this vault...");
                          }});
  } catch (const folio::Error& e) {
    print_error(e.what(), e.hint());
    return exit_code(e.code());
  }
  folio::clean_stale_edits();
  // A text kept after a failed save is plaintext in RAM until the user
  // stores and removes it: said at every run on a terminal, so it is not
  // forgotten (scripts, whose stderr is no terminal, are not disturbed).
  if (isatty(STDERR_FILENO) == 1) {
    for (const auto& path : folio::kept_edits()) {
      folio::cli::note("a text you wrote is kept unsaved in " + path + " (" +
                       folio::cli::kept_text_hint(path, "folio add") + ")");
    }
  }
  folio::set_upgrade_notice([](int from, int to) {
    folio::cli::note("upgrading the vault from schema " + std::to_string(from) + " to " + std::to_string(to) +
                     " (the search index is rebuilt; this happens once)");
  });

  CLI::App app{"folio: a private, encrypted journal", "folio"};
  app.footer(kFooter);
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every command");

  folio::cli::Globals g;
  app.add_option("--vault", g.vault, "vault folder (default: $FOLIO_VAULT, else $XDG_DATA_HOME/folio)");
  app.add_option("--passphrase-fd", g.passphrase_fd, "read the passphrase from this file descriptor");
  app.add_option("--passphrase-file", g.passphrase_file, "read the passphrase from this file (first line)");
  app.add_flag("--recovery", g.recovery, "the secret given is the recovery code");
  app.add_flag("--no-pager", g.no_pager, "print long listings directly, not through $PAGER");
  app.add_flag("--no-agent", g.no_agent, "ask for the passphrase even when 'folio unlock' left an agent running");

  folio::cli::Action run;
  register_commands(app, g, run, command_word(argc, argv));
  CLI::App* help = app.add_subcommand("help", "show help for every command");
  help->callback([&] {
    run = [&] {
      // app.help() would describe the selected subcommand, "help" itself.
      std::cout << app.get_formatter()->make_help(&app, "folio", CLI::AppFormatMode::All);
      return 0;
    };
  });
  // Global options may also follow a command name, at any depth.
  std::function<void(CLI::App*)> let_globals_through = [&](CLI::App* a) {
    for (CLI::App* sub : a->get_subcommands({})) {
      sub->fallthrough();
      let_globals_through(sub);
    }
  };
  let_globals_through(&app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ExtrasError&) {
    // Not echoed: a user who typed a passphrase as an argument should not
    // find it again in a log of stderr.
    print_error("unexpected arguments (not repeated here, in case they hold a secret)",
                "run 'folio help' for the commands and their options");
    return 2;
  } catch (const CLI::ParseError& e) {
    print_error(e.what(), "run 'folio help' for the commands and their options");
    return 2;
  } catch (const folio::Error& e) {
    print_error(e.what(), e.hint());
    return exit_code(e.code());
  }

  try {
    // panic and destroy read no secret, and nothing may stop panic.
    const std::string word = command_word(argc, argv);
    if (word != "panic" && word != "destroy") check_descriptors(&app);
    return run ? run() : 0;
  } catch (const folio::Error& e) {
    print_error(e.what(), e.hint());
    return exit_code(e.code());
  } catch (const std::bad_alloc&) {
    print_error("out of memory", "");
    return 70;
  } catch (const std::exception& e) {
    print_error(std::string("unexpected failure: ") + e.what(), "this is a bug in folio; please report it");
    return 70;
  }
}
