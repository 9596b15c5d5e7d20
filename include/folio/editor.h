// folio/editor.h: editing text in $VISUAL / $EDITOR without plaintext on disk.
//
// The file lives in a 0700 folder in RAM-backed storage ($XDG_RUNTIME_DIR if it
// is a tmpfs, else /dev/shm); if neither exists the edit is refused. Swap,
// backup and undo files are turned off for vim, neovim, emacs and nano. After
// the editor exits (or on SIGINT/SIGTERM/SIGHUP) the file is overwritten with
// zeros and removed.
#pragma once

#include <optional>
#include <string>

namespace folio {

// Opens the editor on `initial`; returns the saved text, or nullopt if the
// user left it empty. Error(refused) with no RAM-backed folder or no editor,
// Error(cancelled) if the editor failed or was interrupted.
std::optional<std::string> edit_text(const std::string& initial);

// Wipes and removes edit folders left by a folio process that died.
void clean_stale_edits() noexcept;

}  // namespace folio
