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
using folio::tr;
using folio::trf;

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

// The footer of every help text, between a blank line and a line break.
// TRANSLATORS: keep the numbers and the lines no wider than 80 columns (a
// Chinese character takes two).
constexpr char kFooter[] = N_(
    "Exit codes:\n"
    "  0 success            1 (due) overdue; (selftest, vectors run) a test failed;\n"
    "                       (status) locked\n"
    "  2 invalid usage or input                         3 not found (vault, id)\n"
    "  4 wrong passphrase   5 damaged vault file       6 vault from a newer folio\n"
    "  7 already exists     8 input/output error       9 refused by a safety rule\n"
    "  10 cancelled          70 internal error\n"
    "\n"
    "Passphrases are read from the terminal with echo off, or with --passphrase-fd /\n"
    "--passphrase-file; never from arguments or the environment.\n"
    "See docs/CLI.md, docs/FORMAT.md and docs/THREAT_MODEL.md.");

// CLI11's own words in help texts, in the user's language: the labels of
// its formatter, the names of the option and command groups, the help
// flags. Before any option or command is added (they copy the groups and
// help flags of their parent when made).
void translate_help_words(CLI::App& app) {
  auto f = app.get_formatter();
  // TRANSLATORS: CLI11's help, "Usage: folio [OPTIONS] SUBCOMMAND".
  f->label("Usage", tr("Usage"));
  // TRANSLATORS: CLI11's help, "Usage: folio [OPTIONS] SUBCOMMAND".
  f->label("OPTIONS", tr("OPTIONS"));
  // TRANSLATORS: CLI11's help, "Usage: folio [OPTIONS] SUBCOMMAND".
  f->label("SUBCOMMAND", tr("SUBCOMMAND"));
  // TRANSLATORS: CLI11's help, "Usage: folio [OPTIONS] SUBCOMMANDS".
  f->label("SUBCOMMANDS", tr("SUBCOMMANDS"));
  // TRANSLATORS: CLI11's help: the heading of the arguments that are not options.
  f->label("Positionals", tr("Positionals"));
  // TRANSLATORS: CLI11's help, after an option or argument that must be given.
  f->label("REQUIRED", tr("REQUIRED"));
  // TRANSLATORS: CLI11's help, "Excludes: --passphrase-fd" after an option.
  f->label("Excludes", tr("Excludes"));
  // TRANSLATORS: CLI11's help, "Needs: --x" after an option.
  f->label("Needs", tr("Needs"));
  // TRANSLATORS: CLI11's help: the heading of the options.
  app.option_defaults()->group(tr("Options"));
  // TRANSLATORS: CLI11's help: the heading of the commands.
  app.group(tr("Subcommands"));
  app.set_help_flag("-h,--help", tr("Print this help message and exit"));
  app.set_help_all_flag("--help-all", tr("help for every command"));
}

// CLI11's messages about a command line, translated by their shape (those
// of CLI11 2.1's Error.hpp that folio's commands can cause); any other stays
// as CLI11 wrote it. The English is CLI11's, byte for byte.
std::string parse_error_text(const std::string& what) {
  auto ends_with = [&what](std::string_view tail) {
    return what.size() > tail.size() && what.compare(what.size() - tail.size(), tail.size(), tail) == 0;
  };
  auto head = [&what](std::string_view tail) { return what.substr(0, what.size() - tail.size()); };
  if (what == "A subcommand is required") return tr("A subcommand is required");
  // TRANSLATORS: CLI11: {0} is an option (--to) or an argument (file) that was not given.
  if (ends_with(" is required")) return trf("{0} is required", head(" is required"));
  // "--to: 1 required TEXT missing": an option given without its value.
  if (ends_with(" missing")) {
    std::string rest = head(" missing");
    std::size_t colon = rest.find(": ");
    std::size_t req = rest.rfind(" required ");
    if (colon != std::string::npos && req != std::string::npos && req > colon) {
      // TRANSLATORS: CLI11: {0} is an option given without its value, {1} a
      // number of values, {2} their type (TEXT, INT).
      return trf("{0}: {1} required {2} missing", rest.substr(0, colon), rest.substr(colon + 2, req - colon - 2),
                 rest.substr(req + 10));
    }
  }
  for (std::string_view verb : {" excludes ", " requires "}) {
    std::size_t at = what.find(verb);
    if (at == std::string::npos || what.find(' ') != at) continue;
    std::string a = what.substr(0, at), b = what.substr(at + verb.size());
    // TRANSLATORS: CLI11: two options that cannot be given together.
    if (verb == " excludes ") return trf("{0} excludes {1}", a, b);
    // TRANSLATORS: CLI11: {0} needs {1} to be given too.
    return trf("{0} requires {1}", a, b);
  }
  return what;
}

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
      std::string message = near.empty() ? trf("unknown command '{0}'", prefix + w)
                                         : trf("unknown command '{0}'; did you mean '{1}'?", prefix + w, prefix + near);
      return folio::Error(folio::Errc::invalid_argument, message,
                          at == &app ? trf("'{0} --help' lists every command", said)
                                     : trf("'{0} --help' lists its commands", said));
    }
    chain.push_back(sub);
    said += " " + sub->get_name();
    at = sub;
    if (sub->get_subcommands({}).empty()) break;
  }
  if (need_subcommand && at != &app && !at->get_subcommands({}).empty() && chain.size() == words.size()) {
    std::string list;
    for (const auto& n : command_names(at)) list += (list.empty() ? "" : ", ") + n;
    // TRANSLATORS: {0} is a command ("folio item"), {1} a list of its subcommands.
    return folio::Error(folio::Errc::invalid_argument, trf("'{0}' needs a command: {1}", said, list),
                        // TRANSLATORS: {0} is a command ("folio item"), {1} one of its subcommands.
                        trf("e.g. '{0} {1}'; '{0} --help' says more", said, command_names(at).front()));
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
  std::string message;
  if (chain.empty()) {
    message = near.empty() ? trf("unknown option '{0}'", *name)
                           : trf("unknown option '{0}'; did you mean '{1}'?", *name, near);
  } else {
    // TRANSLATORS: {0} is an option, {1} a command ("folio list").
    message = near.empty() ? trf("unknown option '{0}' for '{1}'", *name, said)
                           // TRANSLATORS: {0} is an option, {1} a command ("folio list"), {2} an option.
                           : trf("unknown option '{0}' for '{1}'; did you mean '{2}'?", *name, said, near);
  }
  print_error(message, trf("'{0} --help' lists its options; a word that starts with '-' goes after "
                           "'--' (folio search -- -word)",
                           said));
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

  CLI::App app{tr("folio: a private, encrypted journal"), "folio"};
  translate_help_words(app);
  app.footer(std::string("\n") + tr(kFooter) + "\n");
  app.require_subcommand(1);
  app.set_version_flag("--version", [] {
    return std::string("folio ") + folio::kVersion + " (libsodium " + folio::sodium_version() + ", SQLCipher " +
           folio::sqlcipher_version() + ")";
  }, tr("Display program version information and exit"));

  folio::cli::Globals g = preset != nullptr ? *preset : folio::cli::Globals{};
  app.add_option("--vault", g.vault, tr("vault folder (default: $FOLIO_VAULT, else $XDG_DATA_HOME/folio)"));
  CLI::Option* pass_fd =
      app.add_option("--passphrase-fd", g.passphrase_fd, tr("read the passphrase from this file descriptor"));
  app.add_option("--passphrase-file", g.passphrase_file, tr("read the passphrase from this file (first line)"))
      ->excludes(pass_fd);
  app.add_flag("--recovery", g.recovery, tr("the secret given is the recovery code"));
  app.add_flag("--no-pager", g.no_pager, tr("print long listings directly, not through $PAGER"));
  app.add_flag("--no-agent", g.no_agent, tr("ask for the passphrase even when 'folio unlock' left an agent running"));

  folio::cli::Action run;
  register_commands(app, g, run, command_word(argc, argv));
  CLI::App* help = app.add_subcommand("help", tr("show help for every command, or for one (folio help item add)"));
  std::vector<std::string> topic;
  help->add_option("command", topic, tr("a command, and its subcommand"));
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
  // Global options may also follow a command name, at any depth. (And a
  // command's help flags, made before it copied the translated group name
  // of options, join its other options.)
  const std::string options_group = app.option_defaults()->get_group();
  std::function<void(CLI::App*)> let_globals_through = [&](CLI::App* a) {
    for (CLI::App* sub : a->get_subcommands({})) {
      sub->fallthrough();
      if (CLI::Option* h = sub->get_help_ptr()) h->group(options_group);
      if (CLI::Option* h = sub->get_option_no_throw("--help-all")) h->group(options_group);
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
    print_error(tr("unexpected arguments (not repeated here, in case they hold a secret)"),
                tr("run 'folio help' for the commands and their options"));
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
      print_error(trf("{0} must be a whole number", option), trf("'{0} --help' says what it means", said));
    } else {
      print_error(what, tr("run 'folio help' for the commands and their options"));
    }
    return 2;
  } catch (const CLI::ParseError& e) {
    // "query is required" when the query was "-word": the option is the news.
    if (report_unknown_option(app, chain, argc, argv)) return 2;
    print_error(parse_error_text(e.what()), tr("run 'folio help' for the commands and their options"));
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
