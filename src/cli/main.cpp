// folio's entry point: parse, run one command, map errors to exit codes.
// Only this file prints errors and decides exit codes.
#include <iostream>

#include "cli/common.h"
#include "folio/editor.h"
#include "folio/error.h"
#include "folio/terminal.h"

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

void print_error(const std::string& message, const std::string& hint) {
  std::cerr << "folio: error: " << message << '\n';
  if (!hint.empty()) std::cerr << "folio: hint: " << hint << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  try {
    folio::harden_process();
  } catch (const folio::Error& e) {
    print_error(e.what(), e.hint());
    return exit_code(e.code());
  }
  folio::clean_stale_edits();

  CLI::App app{"folio: a private, encrypted journal", "folio"};
  app.footer(kFooter);
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every command");

  folio::cli::Globals g;
  app.add_option("--vault", g.vault, "vault folder (default: $FOLIO_VAULT, else $XDG_DATA_HOME/folio)");
  app.add_option("--passphrase-fd", g.passphrase_fd, "read the passphrase from this file descriptor");
  app.add_option("--passphrase-file", g.passphrase_file, "read the passphrase from this file (first line)");
  app.add_flag("--recovery", g.recovery, "the secret given is the recovery code");
  app.add_flag("--no-agent", g.no_agent, "ask for the passphrase even when 'folio unlock' left an agent running");

  folio::cli::Action run;
  folio::cli::add_init(app, g, run);
  folio::cli::add_add(app, g, run);
  folio::cli::add_list(app, g, run);
  folio::cli::add_show(app, g, run);
  folio::cli::add_edit(app, g, run);
  folio::cli::add_rm(app, g, run);
  folio::cli::add_tags(app, g, run);
  folio::cli::add_passwd(app, g, run);
  folio::cli::add_search(app, g, run);
  folio::cli::add_wipe(app, g, run);
  folio::cli::add_unlock(app, g, run);
  folio::cli::add_lock(app, g, run);
  folio::cli::add_status(app, g, run);
  folio::cli::add_checklist(app, g, run);
  folio::cli::add_item(app, g, run);
  folio::cli::add_due(app, g, run);
  folio::cli::add_attach(app, g, run);
  folio::cli::add_attachments(app, g, run);
  folio::cli::add_extract(app, g, run);
  folio::cli::add_template(app, g, run);
  folio::cli::add_export(app, g, run);
  folio::cli::add_import(app, g, run);
  folio::cli::add_restore(app, g, run);
  folio::cli::add_keygen(app, g, run);
  folio::cli::add_version(app, g, run);
  folio::cli::add_selftest(app, g, run);
  folio::cli::add_vectors(app, g, run);
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
