// One folio command, run in this process: what main() does with its
// arguments, and what `folio shell` does with each line.
#pragma once

#include <string>
#include <vector>

#include "cli/common.h"
#include "folio/error.h"

namespace folio::cli {

// Parses `args` (the words after "folio", as argv holds them) with the same
// parser, checks and messages as every folio command, runs the command and
// returns its exit code (docs/CLI.md). Every error is printed on stderr
// ("folio: error: ..." and a hint) and turned into its exit code; none is
// thrown. The global options start from `preset` when given (the shell
// gives its vault, its keys and no pager), else from their defaults.
int run_command(const std::vector<std::string>& args, const Globals* preset = nullptr);

// Prints `e` as run_command does and returns its exit code.
int report_error(const Error& e);

// For Tab completion: the names that may come next after `words` (a command
// line without "folio", up to the word being typed): command names after
// none, subcommand names after a command that has them, and in `options` the
// long and short option names of the command named (global ones left out).
struct Candidates {
  std::vector<std::string> commands;
  std::vector<std::string> options;
};
Candidates command_candidates(const std::vector<std::string>& words);

}  // namespace folio::cli
