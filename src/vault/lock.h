// The lock that lets folio commands share one vault folder: flock(2) on the
// folder itself. Shared for commands that read or change records, exclusive
// for those that change the header or replace the database file.
//
//   VaultLock lock = VaultLock::acquire(dir, VaultLock::Mode::exclusive);
//   ... read the header, run the KDF, write the new header ...
//   // released when `lock` goes
//
// Why the folder and not a lock file: the header and the database are
// replaced by rename, so neither can carry a lock; the folder is never
// replaced, needs no file created (a vault on a read-only medium still opens
// for reading), leaves nothing behind, and is not a new name in the folder
// for a reader of docs/FORMAT.md to explain. destroy and panic take no lock:
// they never wait (docs/THREAT_MODEL.md, "Two folio commands at once").
#pragma once

#include <filesystem>
#include <optional>

namespace folio {

class VaultLock {
 public:
  enum class Mode { shared, exclusive };

  // Waits for the lock at most as long as set_lock_wait() says (calling its
  // notice once, when it starts to wait), then Error(io) "the vault is
  // busy". Error(not_found) when `dir` is not a folder. On a file system
  // that has no locks (ENOLCK, EOPNOTSUPP) it returns a lock that holds
  // nothing, rather than make the vault unusable there.
  static VaultLock acquire(const std::filesystem::path& dir, Mode mode);

  // The lock if it is free now, else nullopt. Never waits, never notices.
  static std::optional<VaultLock> try_acquire(const std::filesystem::path& dir, Mode mode);

  VaultLock(VaultLock&& other) noexcept;
  VaultLock& operator=(VaultLock&& other) noexcept;
  VaultLock(const VaultLock&) = delete;
  VaultLock& operator=(const VaultLock&) = delete;
  ~VaultLock();

  Mode mode() const noexcept { return mode_; }

 private:
  VaultLock(int fd, Mode mode) noexcept : fd_(fd), mode_(mode) {}
  int fd_ = -1;
  Mode mode_ = Mode::shared;
};

}  // namespace folio
