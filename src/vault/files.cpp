#include "vault/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/secret.h"

namespace folio {

void throw_io(const std::string& what, int err) {
  std::string hint;
  if (err == ENOSPC || err == EDQUOT) hint = tr("free some disk space and try again");
  if (err == EROFS) hint = tr("the file system is read-only");
  if (err == EACCES || err == EPERM) hint = tr("check the permissions of the vault folder");
  // TRANSLATORS: {0} says what failed ("cannot write FILE"), {1} is the system's reason.
  throw Error(Errc::io, trf("{0}: {1}", what, std::strerror(err)), hint);
}

void throw_io(const char* pattern, const std::filesystem::path& path, int err) {
  throw_io(trf(pattern, path), err);
}

void make_private_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    auto parent = dir.parent_path();
    if (!parent.empty() && parent != dir && !std::filesystem::exists(parent, ec)) {
      make_private_dir(parent);
    }
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      throw_io(N_("cannot create folder {0}"), dir, errno);
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) throw_io(N_("cannot read folder {0}"), dir, errno);
  if (!S_ISDIR(st.st_mode)) {
    throw Error(Errc::invalid_argument, trf("{0} exists and is not a folder", dir));
  }
  if ((st.st_mode & 0777) != 0700 && ::chmod(dir.c_str(), 0700) != 0) {
    throw_io(N_("cannot make {0} private"), dir, errno);
  }
}

void fsync_dir(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw_io(N_("cannot open folder {0}"), dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) throw_io(N_("cannot sync folder {0}"), dir, err);
}

void replace_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  ::unlink(tmp.c_str());  // a leftover from a crash holds nothing the new file lacks
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw_io(N_("cannot write {0}"), tmp, errno);
  auto fail = [&](const char* pattern, int err) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw_io(pattern, tmp, err);
  };
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(N_("cannot write {0}"), errno);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail(N_("cannot sync {0}"), errno);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw_io(N_("cannot write {0}"), tmp, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw_io(N_("cannot replace {0}"), path, err);
  }
  fsync_dir(path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path());
}

std::vector<std::uint8_t> read_file(const std::filesystem::path& path, std::size_t limit) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_io(N_("cannot read {0}"), path, errno);
  std::vector<std::uint8_t> out(limit + 1);
  std::size_t got = 0;
  while (got < out.size()) {
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      throw_io(N_("cannot read {0}"), path, err);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.resize(got);
  return out;
}

// O_NONBLOCK: opening a FIFO planted in a folder for writing would otherwise
// wait for a reader; it fails at once (ENXIO), and the name is only removed.
void overwrite_and_remove(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return;
    if (errno == ELOOP || errno == ENXIO) {
      if (::unlink(file.c_str()) != 0 && errno != ENOENT) throw_io(N_("cannot remove {0}"), file, errno);
      return;
    }
    throw_io(N_("cannot overwrite {0}"), file, errno);
  }
  struct stat st {};
  off_t size = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : 0;
  std::vector<std::uint8_t> noise(static_cast<std::size_t>(std::min<off_t>(size, 1 << 20)));
  if (!noise.empty()) random_bytes(noise.data(), noise.size());  // an empty vector's data() may be null
  for (off_t done = 0; done < size;) {
    auto n = ::pwrite(fd, noise.data(), static_cast<std::size_t>(std::min<off_t>(size - done, 1 << 20)), done);
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      throw_io(N_("cannot overwrite {0}"), file, err);
    }
    done += n;
  }
  int rc = size > 0 ? ::fsync(fd) : 0;
  int err = errno;
  ::close(fd);
  if (rc != 0) throw_io(N_("cannot sync {0}"), file, err);
  // ENOENT: another command removed it first (two cleaning the same leftover).
  if (::unlink(file.c_str()) != 0 && errno != ENOENT) throw_io(N_("cannot remove {0}"), file, errno);
}

}  // namespace folio
