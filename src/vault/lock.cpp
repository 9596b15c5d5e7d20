#include "vault/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/vault.h"
#include "vault/files.h"

namespace folio {
namespace fs = std::filesystem;

namespace {

LockWait& lock_wait() {
  static LockWait wait;
  return wait;
}

// Errors that mean "this file system has no flock", not "the lock is taken".
bool no_locks_here(int err) { return err == ENOLCK || err == EOPNOTSUPP || err == EINVAL || err == EBADF; }

int open_folder(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) return fd;
  int err = errno;
  if (err == ENOENT || err == ENOTDIR) {
    throw Error(Errc::not_found, trf("no vault in {0}", dir),
                tr("create one with 'folio init', or point to yours with --vault PATH"));
  }
  throw_io(N_("cannot open the vault folder {0}"), dir, err);
}

// True when `fd` is still the folder at `dir`: a vault destroyed and made
// again at the same path while we waited is a new folder, and a lock on the
// old one would keep nobody out.
bool still_the_folder(int fd, const fs::path& dir) {
  struct stat held {}, now {};
  if (::fstat(fd, &held) != 0 || ::stat(dir.c_str(), &now) != 0) return false;
  return held.st_ino == now.st_ino && held.st_dev == now.st_dev;
}

enum class Try { taken, busy, unsupported };

Try try_flock(int fd, VaultLock::Mode mode) {
  const int op = (mode == VaultLock::Mode::exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
  for (;;) {
    if (::flock(fd, op) == 0) return Try::taken;
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) return Try::busy;
    if (no_locks_here(errno)) return Try::unsupported;
    const int err = errno;
    throw_io(tr("cannot lock the vault folder"), err);
  }
}

}  // namespace

void set_lock_wait(LockWait wait) { lock_wait() = std::move(wait); }

VaultLock::VaultLock(VaultLock&& other) noexcept : fd_(other.fd_), mode_(other.mode_) { other.fd_ = -1; }

VaultLock& VaultLock::operator=(VaultLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    mode_ = other.mode_;
    other.fd_ = -1;
  }
  return *this;
}

// Closing the descriptor releases the lock: it is the only one on its open
// file description (O_CLOEXEC keeps it out of the editor and of the agent,
// which also closes what it inherits).
VaultLock::~VaultLock() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<VaultLock> VaultLock::try_acquire(const fs::path& dir, Mode mode) {
  int fd = open_folder(dir);
  VaultLock lock(fd, mode);
  switch (try_flock(fd, mode)) {
    case Try::busy: return std::nullopt;
    case Try::taken:
    case Try::unsupported: break;
  }
  if (!still_the_folder(fd, dir)) return std::nullopt;
  return lock;
}

// Polled, not a blocking flock with a timer: a library should not own a
// signal. The interval grows to 20 ms, so a waiting rekey finds the gap
// between two commands that hold the lock shared, and a wait costs nothing
// measurable.
VaultLock VaultLock::acquire(const fs::path& dir, Mode mode) {
  using Clock = std::chrono::steady_clock;
  const LockWait& wait = lock_wait();
  const auto deadline = Clock::now() + wait.limit;
  bool noticed = false;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    int fd = open_folder(dir);
    VaultLock lock(fd, mode);
    Try got = try_flock(fd, mode);
    while (got == Try::busy) {
      if (!noticed) {
        noticed = true;
        if (wait.notice) wait.notice();
      }
      const auto now = Clock::now();
      if (now >= deadline) {
        throw Error(Errc::io, tr("the vault is busy: another folio command is using it"),
                    tr("wait until it has finished, then try again"));
      }
      std::this_thread::sleep_for(std::min<Clock::duration>(pause, deadline - now));
      pause = std::min(pause * 2, std::chrono::milliseconds(20));
      got = try_flock(fd, mode);
    }
    if (got == Try::unsupported || still_the_folder(fd, dir)) return lock;
    // The folder was replaced while we waited: lock the one there now.
  }
}

}  // namespace folio
