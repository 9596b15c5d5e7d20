// Running one folio command: parse, dispatch, map errors to exit codes
// (cli/run.h). Only this file prints errors and decides exit codes.
#include "cli/run.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <optional>
#include <vector>

#include "cli/common.h"
#include "cli/completion.h"
#include "folio/editor.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/terminal.h"
#include "folio/text.h"
#include "folio/version.h"

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
  // TRANSLATORS: the label of an error line, "folio: error: MESSAGE".
  std::cerr << "folio: " << folio::tr("error") << ": " << folio::terminal_safe(message) << '\n';
  // TRANSLATORS: the label of the line after an error saying what to do, "folio: hint: ...".
  if (!hint.empty()) std::cerr << "folio: " << folio::tr("hint") << ": " << folio::terminal_safe(hint) << '\n';
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
    {folio::cli::add_shell, "shell"},
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

// The index in argv of the first argument from `from` on that is not an
// option or the value of a global option; argc when there is none.
int next_word(int argc, char** argv, int from) {
  for (int i = from; i < argc; ++i) {
    std::string_view arg(argv[i]);
    if (arg == "--") return argc;
    if (arg == "--vault" || arg == "--passphrase-fd" || arg == "--passphrase-file") {
      ++i;  // its value
      continue;
    }
    if (!arg.empty() && arg[0] == '-') continue;
    return i;
  }
  return argc;
}

// The command named on the command line: the first argument that is not a
// global option or its value. Empty when there is none.
std::string command_word(int argc, char** argv) {
  int i = next_word(argc, argv, 1);
  return i < argc ? std::string(argv[i]) : std::string();
}

// Edit distance (insertions, deletions, substitutions, swaps of neighbours).
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// The closest of `names` to `typed`, if one is close: at most 2 edits (1 for
// a short word), or `typed` is the start of it.
std::string closest(const std::string& typed, const std::vector<std::string>& names) {
  std::string best;
  std::size_t best_d = typed.size() <= 3 ? 2 : 3;
  for (const auto& n : names) {
    std::size_t d = distance(typed, n);
    if (typed.size() >= 2 && n.rfind(typed, 0) == 0) d = std::min<std::size_t>(d, 1);
    if (d < best_d) {
      best_d = d;
      best = n;
    }
  }
  return best;
}

CLI::App* find_command(CLI::App* parent, const std::string& word) {
  for (CLI::App* sub : parent->get_subcommands({})) {
    if (sub->get_name() == word) return sub;
    for (const auto& alias : sub->get_aliases()) {
      if (alias == word) return sub;
    }
  }
  return nullptr;
}

std::vector<std::string> command_names(CLI::App* parent) {
  std::vector<std::string> names;
  for (CLI::App* sub : parent->get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

// "unknown command 'lsit'; did you mean 'list'?" for `words` (the command,
// and for a command with subcommands its subcommand), or nothing when they
// name commands. `chain` gets the commands found.
std::optional<folio::Error> check_command_words(CLI::App& app, const std::vector<std::string>& words,
                                                std::vector<CLI::App*>& chain, bool need_subcommand = true) {
  CLI::App* at = &app;
  std::string said = "folio";
  for (const auto& w : words) {
    CLI::App* sub = find_command(at, w);
    if (sub == nullptr) {
      std::string near = closest(w, command_names(at));
      std::string prefix = at == &app ? "" : said.substr(6) + " ";
      std::string message = "unknown command '" + prefix + w + "'";
      if (!near.empty()) message += "; did you mean '" + prefix + near + "'?";
      return folio::Error(folio::Errc::invalid_argument, message,
                          "'" + said + " --help' lists " + (at == &app ? "every command" : "its commands"));
    }
    chain.push_back(sub);
    said += " " + sub->get_name();
    at = sub;
    if (sub->get_subcommands({}).empty()) break;
  }
  if (need_subcommand && at != &app && !at->get_subcommands({}).empty() && chain.size() == words.size()) {
    std::string list;
    for (const auto& n : command_names(at)) list += (list.empty() ? "" : ", ") + n;
    return folio::Error(folio::Errc::invalid_argument, "'" + said + "' needs a command: " + list,
                        "e.g. '" + said + " " + command_names(at).front() + "'; '" + said +
                            " --help' says more");
  }
  return std::nullopt;
}

// The command words of argv: the command and, for one with subcommands, the next word.
std::vector<std::string> command_words(CLI::App& app, int argc, char** argv) {
  std::vector<std::string> words;
  int i = next_word(argc, argv, 1);
  if (i >= argc) return words;
  words.push_back(argv[i]);
  CLI::App* cmd = find_command(&app, argv[i]);
  if (cmd != nullptr && !cmd->get_subcommands({}).empty()) {
    int j = next_word(argc, argv, i + 1);
    if (j < argc) words.push_back(argv[j]);
  }
  return words;
}

// The first option on the command line that none of `chain` (nor the global
// options) knows: its name only, up to any '=' (a value may be a secret).
std::optional<std::string> unknown_option(CLI::App& app, const std::vector<CLI::App*>& chain, int argc,
                                          char** argv) {
  std::vector<std::string> known;
  auto collect = [&known](const CLI::App* a) {
    for (const CLI::Option* opt : a->get_options()) {
      for (const auto& n : opt->get_lnames()) known.push_back("--" + n);
      for (const auto& n : opt->get_snames()) known.push_back("-" + n);
    }
  };
  collect(&app);
  for (const CLI::App* a : chain) collect(a);
  for (int i = 1; i < argc; ++i) {
    std::string arg(argv[i]);
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-' || (arg[1] >= '0' && arg[1] <= '9')) continue;
    std::string name = arg.substr(0, arg.find('='));
    auto is_known = [&known](const std::string& n) { return std::find(known.begin(), known.end(), n) != known.end(); };
    if (name.size() > 2 && name[1] != '-' && is_known(name.substr(0, 2))) continue;  // -n20
    if (!is_known(name)) return name;
  }
  return std::nullopt;
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

// Names the first unknown option on the command line, with the closest
// known one (an option's name is no secret). False if every option is known.
bool report_unknown_option(CLI::App& app, const std::vector<CLI::App*>& chain, int argc, char** argv) {
  auto name = unknown_option(app, chain, argc, argv);
  if (!name) return false;
  std::vector<std::string> known;
  const CLI::App* owner = chain.empty() ? &app : chain.back();
  for (const CLI::App* a : {owner, static_cast<const CLI::App*>(&app)}) {
    for (const CLI::Option* opt : a->get_options()) {
      for (const auto& n : opt->get_lnames()) known.push_back("--" + n);
    }
  }
  std::string said = "folio";
  for (const CLI::App* c : chain) said += " " + c->get_name();
  std::string near = closest(*name, known);
  std::string message = "unknown option '" + *name + "'" + (chain.empty() ? "" : " for '" + said + "'");
  if (!near.empty()) message += "; did you mean '" + near + "'?";
  print_error(message, "'" + said + " --help' lists its options; a word that starts with '-' goes after "
                       "'--' (folio search -- -word)");
  return true;
}

}  // namespace

namespace folio::cli {

int report_error(const Error& e) {
  print_error(e.what(), e.hint());
  return exit_code(e.code());
}

Candidates command_candidates(const std::vector<std::string>& words) {
  Globals g;
  Action run;
  CLI::App app{"folio", "folio"};
  register_commands(app, g, run, "");
  auto visible = [](CLI::App* parent) {
    std::vector<std::string> names;
    for (CLI::App* sub : parent->get_subcommands({})) {
      if (!sub->get_group().empty()) names.push_back(sub->get_name());
    }
    return names;
  };
  Candidates out;
  CLI::App* at = &app;
  std::size_t named = 0;
  for (const auto& w : words) {
    if (w.empty() || w[0] == '-') continue;
    CLI::App* sub = find_command(at, w);
    if (sub == nullptr) break;
    at = sub;
    ++named;
    if (sub->get_subcommands({}).empty()) break;
  }
  // Past the command words only options and values follow.
  std::size_t plain = 0;
  for (const auto& w : words) plain += !w.empty() && w[0] != '-';
  if (plain == named && (at == &app || !at->get_subcommands({}).empty())) {
    out.commands = visible(at);
    if (at == &app) out.commands.push_back("help");
  }
  if (at != &app) {
    for (const CLI::Option* opt : at->get_options()) {
      for (const auto& n : opt->get_lnames()) out.options.push_back("--" + n);
      for (const auto& n : opt->get_snames()) out.options.push_back("-" + n);
    }
  }
  return out;
}

int run_command(const std::vector<std::string>& args, const Globals* preset) {
  // The helpers above read a command line as main() gets it.
  std::vector<std::string> words_storage;
  words_storage.reserve(args.size() + 1);
  words_storage.emplace_back("folio");
  words_storage.insert(words_storage.end(), args.begin(), args.end());
  std::vector<char*> argv_storage;
  for (auto& w : words_storage) argv_storage.push_back(w.data());
  argv_storage.push_back(nullptr);
  int argc = static_cast<int>(words_storage.size());
  char** argv = argv_storage.data();

  CLI::App app{"folio: a private, encrypted journal", "folio"};
  app.footer(kFooter);
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every command");
  app.set_version_flag("--version", [] {
    return std::string("folio ") + folio::kVersion + " (libsodium " + folio::sodium_version() + ", SQLCipher " +
           folio::sqlcipher_version() + ")";
  });

  folio::cli::Globals g = preset != nullptr ? *preset : folio::cli::Globals{};
  app.add_option("--vault", g.vault, "vault folder (default: $FOLIO_VAULT, else $XDG_DATA_HOME/folio)");
  CLI::Option* pass_fd =
      app.add_option("--passphrase-fd", g.passphrase_fd, "read the passphrase from this file descriptor");
  app.add_option("--passphrase-file", g.passphrase_file, "read the passphrase from this file (first line)")
      ->excludes(pass_fd);
  app.add_flag("--recovery", g.recovery, "the secret given is the recovery code");
  app.add_flag("--no-pager", g.no_pager, "print long listings directly, not through $PAGER");
  app.add_flag("--no-agent", g.no_agent, "ask for the passphrase even when 'folio unlock' left an agent running");

  folio::cli::Action run;
  register_commands(app, g, run, command_word(argc, argv));
  CLI::App* help = app.add_subcommand("help", "show help for every command, or for one (folio help item add)");
  std::vector<std::string> topic;
  help->add_option("command", topic, "a command, and its subcommand");
  help->callback([&] {
    run = [&] {
      if (topic.empty()) {
        // app.help() would describe the selected subcommand, "help" itself.
        std::cout << app.get_formatter()->make_help(&app, "folio", CLI::AppFormatMode::All);
        return 0;
      }
      std::vector<CLI::App*> chain;
      if (auto bad = check_command_words(app, topic, chain, /*need_subcommand=*/false)) throw *bad;
      std::string name = "folio";
      for (CLI::App* c : chain) name += " " + c->get_name();
      std::cout << chain.back()->get_formatter()->make_help(chain.back(), name, CLI::AppFormatMode::Normal);
      return 0;
    };
  });
  // Last: the scripts it prints are made from every command above.
  folio::cli::add_completion(app, run);
  // Global options may also follow a command name, at any depth.
  std::function<void(CLI::App*)> let_globals_through = [&](CLI::App* a) {
    for (CLI::App* sub : a->get_subcommands({})) {
      sub->fallthrough();
      let_globals_through(sub);
    }
  };
  let_globals_through(&app);

  // A mistyped command is named, with the closest one, before CLI11 would
  // only say "A subcommand is required".
  std::vector<std::string> words = command_words(app, argc, argv);
  std::vector<CLI::App*> chain;
  if (!words.empty() && words[0] != "help") {
    if (auto bad = check_command_words(app, words, chain)) {
      bool asks_help = false;
      for (int i = 1; i < argc; ++i) asks_help = asks_help || std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h";
      if (!asks_help) {
        print_error(bad->what(), bad->hint());
        return 2;
      }
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << '\n';
    return 0;
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ExtrasError&) {
    if (report_unknown_option(app, chain, argc, argv)) return 2;
    // Other arguments are not echoed: a user who typed a passphrase as an
    // argument should not find it again in a log of stderr.
    print_error("unexpected arguments (not repeated here, in case they hold a secret)",
                "run 'folio help' for the commands and their options");
    return 2;
  } catch (const CLI::ConversionError& e) {
    // CLI11 says "Could not convert: --kdf-ops = abc": name the option and
    // what it takes, without echoing the value.
    std::string what = e.what();
    const std::string lead = "Could not convert: ";
    if (what.rfind(lead, 0) == 0 && what.find(" = ") != std::string::npos) {
      std::string option = what.substr(lead.size(), what.find(" = ") - lead.size());
      std::string said = "folio";
      for (const CLI::App* c : chain) said += " " + c->get_name();
      print_error(option + " must be a whole number", "'" + said + " --help' says what it means");
    } else {
      print_error(what, "run 'folio help' for the commands and their options");
    }
    return 2;
  } catch (const CLI::ParseError& e) {
    // "query is required" when the query was "-word": the option is the news.
    if (report_unknown_option(app, chain, argc, argv)) return 2;
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

}  // namespace folio::cli
