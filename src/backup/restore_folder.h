// Where a restore builds its vault: a private folder beside the target,
// renamed onto it only once the vault is complete. The invariant: at every
// instant the target is either what it was before (absent, or an empty
// folder) or the whole restored vault; a restore killed half-way leaves only
// a hidden folder named after the target, which the next restore to that
// target destroys.
//
//   TARGET's parent/
//     .TARGET.folio-restore-PID-XXXXXX/   0700, mkdtemp; header + data
//       --rename(2)-->  TARGET/
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace folio::backup {

// The folder a restore to `dir` ends up in: `dir` itself, or where it points
// when it is a symbolic link (rename(2) would replace the link, not fill
// the folder it names). Error(already_exists) when it holds a vault or
// anything else, Error(invalid_argument) when it is not a folder.
std::filesystem::path restore_target(const std::filesystem::path& dir);

// The hidden folders of restores to `target` whose process is gone: each is
// destroyed (keyslots overwritten first, as Vault::destroy does, then every
// other file overwritten and removed). Folders of a process still running
// are left alone; so is one that cannot be removed. Never throws.
struct Leftovers {
  std::vector<std::filesystem::path> removed, left_alone;
};
Leftovers remove_leftover_restores(const std::filesystem::path& target);

// A new hidden folder beside `target` (its parent made 0700 if missing).
// Destroyed by the destructor unless move_into_place() succeeded.
class RestoreFolder {
 public:
  explicit RestoreFolder(const std::filesystem::path& target);  // Error(io)
  ~RestoreFolder();
  RestoreFolder(const RestoreFolder&) = delete;
  RestoreFolder& operator=(const RestoreFolder&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }
  // Syncs every file and the folder, then renames it onto the target (an
  // empty folder there is replaced; anything else that appeared meanwhile is
  // Error(already_exists)), then syncs the parent. Error(io).
  void move_into_place();

 private:
  std::filesystem::path target_, path_;
  bool moved_ = false;
};

}  // namespace folio::backup
