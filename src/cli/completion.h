// Shell completion scripts made from folio's own command tree, so they list
// exactly the commands and options the binary accepts. The build runs
// `folio __completion bash|zsh` and installs what it prints
// (CMakeLists.txt); nothing here reads a vault.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "cli/common.h"

namespace folio::cli {

// Registers the hidden `folio __completion SHELL` on `app`. Call it after
// every other command and `help` are registered: the script is made, when
// the command runs, from whatever `app` holds then. On success the command
// prints the script and returns 0; an unknown SHELL is an invalid_argument
// error (exit 2).
void add_completion(CLI::App& app, Action& run);

// The completion script for `shell` ("bash" or "zsh") of every visible
// command, subcommand and option of `app`: commands and options by name,
// fixed option values by their words, files or folders where an option or
// argument names a path, and nothing for ids, tags or names (those are in
// the vault, which a login shell cannot open without the passphrase).
// Throws folio::Error(invalid_argument) for another shell.
std::string completion_script(const CLI::App& app, const std::string& shell);

}  // namespace folio::cli
