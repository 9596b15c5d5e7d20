#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "agent/wire.h"
#include "crypto/primitives.h"
#include "folio/agent.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "vault/files.h"

namespace folio::agent {
namespace fs = std::filesystem;

namespace {

fs::path socket_base() {
  if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x != nullptr && *x == '/') {
    return fs::path(x) / "folio";
  }
  return fs::path("/tmp") / ("folio-" + std::to_string(::getuid()));
}

}  // namespace

fs::path socket_dir(bool create) {
  fs::path dir = socket_base();
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) throw_io(N_("cannot inspect {0}"), dir, errno);
    if (!create) return dir;
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      throw_io(N_("cannot create {0}"), dir, errno);
    }
    if (::lstat(dir.c_str(), &st) != 0) throw_io(N_("cannot inspect {0}"), dir, errno);
  }
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) {
    throw Error(Errc::refused,
                trf("the agent folder {0} is not a private folder of yours: not using it", dir),
                tr("someone else may have made it: remove it if you can (an administrator can in "
                   "/tmp), or set XDG_RUNTIME_DIR to a private folder, then unlock again"));
  }
  return dir;
}

fs::path socket_path(const fs::path& vault_dir) {
  // The canonical absolute path, so every spelling of one vault meets one agent.
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::absolute(vault_dir), ec);
  if (ec) canonical = fs::absolute(vault_dir);
  const std::string text = canonical.string();
  const std::string hex = crypto::to_hex(crypto::blake2b(
      {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, {}, 16));
  fs::path path = socket_base() / (hex + ".sock");
  if (path.string().size() >= sizeof(sockaddr_un{}.sun_path)) {
    throw Error(Errc::refused, trf("the agent socket path is too long: {0}", path),
                tr("set XDG_RUNTIME_DIR to a shorter folder"));
  }
  return path;
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

bool Connection::send_all(const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::send(fd_, p, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool Connection::recv_all(void* data, std::size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = ::recv(fd_, p, size, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool Connection::recv_line(std::string& line, std::size_t limit) {
  line.clear();
  for (;;) {
    char c = 0;
    if (!recv_all(&c, 1)) return false;
    if (c == '\n') return true;
    if (line.size() == limit) return false;
    line.push_back(c);
  }
}

void set_timeouts(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

long peer_uid(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return -1;
  return static_cast<long>(cred.uid);
}

}  // namespace folio::agent
