// See restore_folder.h for the invariant.
#include "backup/restore_folder.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/vault.h"
#include "vault/files.h"

namespace folio::backup {
namespace fs = std::filesystem;

namespace {

constexpr char kMarker[] = ".folio-restore-";

// ".TARGET.folio-restore-": the target's name cut to 100 bytes (at a UTF-8
// character boundary), so the whole name stays within NAME_MAX.
std::string prefix_of(const fs::path& target) {
  std::string name = target.filename().string();
  if (name.size() > 100) {
    std::size_t cut = 100;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
    name.resize(cut);
  }
  return "." + name + kMarker;
}

fs::path parent_of(const fs::path& target) {
  fs::path parent = target.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

// The vault's own overwrite (random bytes, synced), never failing the clean-up:
// a file it cannot overwrite is still unlinked. The files of a restore folder
// are encrypted; the overwrite is so that the disk keeps no ciphertext to
// attack later, as Vault::destroy does.
void overwrite_and_unlink(const fs::path& file) noexcept {
  try {
    overwrite_and_remove(file);
  } catch (...) {
    ::unlink(file.c_str());
  }
}

// Destroys a restore folder: the vault in it (keys first), then whatever
// else is there. True when the folder is gone.
bool destroy_folder(const fs::path& dir) noexcept {
  try {
    if (Vault::exists(dir)) Vault::destroy(dir);
  } catch (...) {
    // The sweep below still removes the files.
  }
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(dir, ec))) return true;
  std::vector<fs::path> files;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    files.push_back(it->path());
  }
  // The header first: with its keyslots gone the rest cannot be read.
  for (const char* first : {"header", "header.tmp"}) overwrite_and_unlink(dir / first);
  for (const auto& f : files) {
    std::error_code fec;
    if (fs::is_directory(fs::symlink_status(f, fec))) {
      destroy_folder(f);
    } else {
      overwrite_and_unlink(f);
    }
  }
  return ::rmdir(dir.c_str()) == 0 || errno == ENOENT;
}

void fsync_files_in(const fs::path& dir) {
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    int fd = ::open(it->path().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) continue;
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) throw_io("cannot sync " + it->path().string(), err);
  }
  fsync_dir(dir);
}

}  // namespace

fs::path restore_target(const fs::path& dir) {
  fs::path target = dir.lexically_normal();
  if (target.filename().empty() && target.has_parent_path()) target = target.parent_path();  // "x/"
  std::error_code ec;
  auto st = fs::symlink_status(target, ec);
  if (fs::is_symlink(st)) {
    fs::path resolved = fs::canonical(target, ec);
    if (!ec) target = resolved;
    st = fs::symlink_status(target, ec);
  }
  if (!fs::exists(st)) return target;
  if (Vault::exists(target)) {
    throw Error(Errc::already_exists, trf("a vault already exists in {0}", dir),
                tr("restore into a new folder; to merge a backup into a vault use 'folio import'"));
  }
  if (!fs::is_directory(st)) {
    throw Error(Errc::invalid_argument, trf("{0} exists and is not a folder", dir),
                tr("give a new folder, or an empty one, to --to"));
  }
  if (!fs::is_empty(target, ec) || ec) {
    throw Error(Errc::already_exists, trf("{0} is not empty; nothing was restored", dir),
                tr("restore into a new or an empty folder"));
  }
  return target;
}

Leftovers remove_leftover_restores(const fs::path& target) {
  Leftovers out;
  const std::string prefix = prefix_of(target);
  const fs::path parent = parent_of(target);
  DIR* d = ::opendir(parent.c_str());
  if (d == nullptr) return out;
  std::vector<std::pair<fs::path, long>> found;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.size() <= prefix.size() || n.compare(0, prefix.size(), prefix) != 0) continue;
    std::string rest = n.substr(prefix.size());
    char* end = nullptr;
    long pid = std::strtol(rest.c_str(), &end, 10);
    if (pid <= 0 || end == nullptr || *end != '-') continue;
    struct stat st {};
    fs::path p = parent / n;
    if (::lstat(p.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid()) continue;
    found.emplace_back(p, pid);
  }
  ::closedir(d);
  for (const auto& [p, pid] : found) {
    bool gone = ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
    if (gone && destroy_folder(p)) {
      out.removed.push_back(p);
    } else {
      out.left_alone.push_back(p);
    }
  }
  return out;
}

RestoreFolder::RestoreFolder(const fs::path& target) : target_(target) {
  const fs::path parent = parent_of(target);
  std::error_code ec;
  if (!fs::exists(parent, ec)) make_private_dir(parent);
  std::string templ = (parent / (prefix_of(target) + std::to_string(::getpid()) + "-XXXXXX")).string();
  if (::mkdtemp(templ.data()) == nullptr) {  // 0700
    int err = errno;
    throw Error(Errc::io, trf("cannot create a folder beside {0}: {1}", target, std::strerror(err)),
                err == ENOSPC ? tr("free some disk space, or restore elsewhere") : "");
  }
  path_ = templ;
}

RestoreFolder::~RestoreFolder() {
  if (!moved_) destroy_folder(path_);
}

void RestoreFolder::move_into_place() {
  fsync_files_in(path_);
  std::error_code ec;
  bool target_there = fs::exists(fs::symlink_status(target_, ec));
  int err = 0;
  if (target_there) {
    // An empty folder: rename(2) replaces it in one step, and fails on a
    // folder that is no longer empty.
    if (::rename(path_.c_str(), target_.c_str()) != 0) err = errno;
  } else if (::renameat2(AT_FDCWD, path_.c_str(), AT_FDCWD, target_.c_str(), RENAME_NOREPLACE) != 0) {
    err = errno;
    if (err == EINVAL || err == ENOSYS) {
      // No RENAME_NOREPLACE here: rename(2) still never replaces a file or a
      // folder that is not empty.
      err = ::rename(path_.c_str(), target_.c_str()) == 0 ? 0 : errno;
    }
  }
  if (err == EEXIST || err == ENOTEMPTY || err == ENOTDIR || err == EISDIR) {
    throw Error(Errc::already_exists,
                trf("{0} appeared while restoring and is not an empty folder; nothing was restored", target_),
                tr("restore into a new folder"));
  }
  if (err != 0) throw_io("cannot move the restored vault to " + target_.string(), err);
  moved_ = true;
  try {
    fsync_dir(parent_of(target_));
  } catch (...) {
    // The vault is in place; a parent that cannot be synced only delays when
    // the rename reaches the disk.
  }
}

}  // namespace folio::backup
