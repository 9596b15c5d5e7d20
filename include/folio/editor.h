// folio/editor.h: editing text in $VISUAL / $EDITOR without plaintext on disk.
//
// The file lives in a 0700 folder in RAM-backed storage ($XDG_RUNTIME_DIR if it
// is a tmpfs, else /dev/shm); if neither exists the edit is refused. Swap,
// backup and undo files are turned off for vim, neovim, emacs and nano. After
// the editor exits (or on SIGINT/SIGTERM/SIGHUP) the file is overwritten with
// zeros and removed.
//
// The saved text stays in its file until the caller has stored it: an
// EditedText is discard()ed after a successful save, or keep()s the file
// when the save failed, so that what the user typed is never lost to a busy
// or read-only vault, a full disk, or an entry deleted meanwhile. A kept
// file stays, 0600 in a 0700 folder of the same RAM-backed storage (never on
// disk), until the user removes it or the RAM folder is cleared (a restart;
// for /run/user/UID also the last logout). `folio panic` wipes kept files too.
//
//   std::optional<folio::EditedText> edited = folio::edit_text(entry.body);
//   try { save(edited->text()); } catch (...) { path = edited->keep(); throw; }
//   edited->discard();
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace folio {

// Text the user saved in the editor, still in its file in RAM. Dropping it
// without discard() or keep() wipes the file, as discard() does.
class EditedText {
 public:
  EditedText(std::string text, std::string dir, std::string file) noexcept;
  EditedText(EditedText&& other) noexcept;
  EditedText& operator=(EditedText&& other) noexcept;
  EditedText(const EditedText&) = delete;
  EditedText& operator=(const EditedText&) = delete;
  ~EditedText();

  const std::string& text() const noexcept { return text_; }

  // Wipes the file and its folder (after the text was stored).
  void discard() noexcept;

  // Leaves the file for the user (its folder renamed to folio-kept-...,
  // which clean_stale_edits() leaves alone) and returns its path. If the
  // folder cannot be renamed, the text is written to a new kept folder.
  // Error(io) only if neither works.
  std::string keep();

 private:
  std::string text_, dir_, file_;
};

// Opens the editor on `initial`; returns the saved text, or nullopt if the
// user left it empty. Error(refused) with no RAM-backed folder or no editor,
// Error(cancelled) if the editor failed or was interrupted.
std::optional<EditedText> edit_text(const std::string& initial);

// Wipes and removes edit folders left by a folio process that died while
// its editor ran. A folder whose text had been saved in the editor and was
// being stored when its process died is kept instead (as keep() does): it
// may hold text the vault never got. Empty kept folders are removed.
void clean_stale_edits() noexcept;

// The kept files (keep(), or a save that died) in every RAM folder folio uses.
std::vector<std::string> kept_edits();

// Wipes every kept file: for `folio panic`.
void wipe_kept_edits() noexcept;

}  // namespace folio
