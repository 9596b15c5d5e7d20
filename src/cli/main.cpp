// folio's entry point: what is set up once per process, then one command
// (cli/run.h).
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/common.h"
#include "cli/run.h"
#include "folio/editor.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/terminal.h"
#include "folio/vault.h"

namespace {

using folio::tr;
using folio::trf;

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
    folio::cli::note(tr("warning: FOLIO_LOCK_TIMEOUT is not a number of seconds from 0 to 3600; waiting up to 30 s"));
    return kDefault;
  }
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

// The translations: build/locale beside a folio run from its build tree,
// else where `cmake --install` put them.
std::filesystem::path catalog_dir() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    std::filesystem::path beside = exe.parent_path() / "locale";
    if (std::filesystem::is_directory(beside, ec)) return beside;
    // share/locale under the prefix the binary is installed in (the .deb's
    // /usr, whatever prefix the build was configured with).
    std::filesystem::path installed = (exe.parent_path() / FOLIO_LOCALEDIR_FROM_BIN).lexically_normal();
    if (std::filesystem::is_directory(installed, ec)) return installed;
  }
  return FOLIO_LOCALEDIR;
}

}  // namespace

int main(int argc, char** argv) {
  // Before folio opens anything: a descriptor the caller did not open would
  // otherwise be one of folio's own by the time it is read.
  folio::cli::note_open_fds(argc, argv);
  folio::init_messages(catalog_dir());
  try {
    folio::harden_process();
    folio::set_lock_wait({lock_timeout(), [] {
                            folio::cli::note(tr("waiting for another folio command on this vault..."));
                          }});
  } catch (const folio::Error& e) {
    return folio::cli::report_error(e);
  }
  folio::clean_stale_edits();
  // A text kept after a failed save is plaintext in RAM until the user
  // stores and removes it: said at every run on a terminal, so it is not
  // forgotten (scripts, whose stderr is no terminal, are not disturbed).
  if (isatty(STDERR_FILENO) == 1) {
    for (const auto& path : folio::kept_edits()) {
      // TRANSLATORS: {0} is a file in RAM, {1} what to run to store it.
      folio::cli::note(trf("a text you wrote is kept unsaved in {0} ({1})", path,
                           folio::cli::kept_text_hint(path, "folio add")));
    }
  }
  folio::set_upgrade_notice([](int from, int to) {
    folio::cli::note(
        trf("upgrading the vault from schema {0} to {1} (the search index is rebuilt; this happens once)", from, to));
  });
  folio::set_upgrade_progress(folio::cli::percent_progress(tr("rebuilding the search index")));

  return folio::cli::run_command(std::vector<std::string>(argv + 1, argv + argc));
}
