// The client side of the agent: used by every command that opens a vault.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "agent/wire.h"
#include "folio/agent.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "vault/files.h"

namespace folio::agent {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kKeySize = 32;
constexpr std::size_t kMaxKeys = 8;

// The agent answers from memory and a 1 KiB header read, in well under a
// millisecond; 400 ms is for a machine under load, and is what a stopped
// agent costs a command before it falls back to the passphrase.
constexpr std::chrono::milliseconds kReplyTimeout{400};

// A connection to the agent of `vault_dir`, or nullptr when none listens. A
// socket left by a dead agent is removed.
std::unique_ptr<Connection> connect_agent(const fs::path& vault_dir) {
  fs::path path = socket_path(vault_dir);
  fs::path dir = socket_dir(false);
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return nullptr;  // no folder, no agent
  if (::lstat(path.c_str(), &st) != 0) return nullptr;
  if (!S_ISSOCK(st.st_mode) || st.st_uid != ::geteuid()) {
    throw Error(Errc::refused, trf("the agent socket {0} is not yours: not using it", path),
                tr("remove it, then unlock again"));
  }
  // Non-blocking for the connect: an agent whose queue is full makes
  // connect() fail with EAGAIN at once instead of hanging. A stopped agent
  // (SIGSTOP) still has its connections queued by the kernel, so connect()
  // succeeds and only the reply can tell: it has kReplyTimeout per read,
  // after which the command asks for the passphrase as without an agent.
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    const int err = errno;
    throw_io(tr("cannot create a socket"), err);
  }
  auto conn = std::make_unique<Connection>(fd);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno == ECONNREFUSED || errno == ENOENT) {
      // The agent died without cleaning up. Remove its socket only if the
      // name still holds the one we found: an unlock that has just bound a
      // fresh socket there keeps it. (A window of microseconds remains.)
      struct stat again {};
      if (::lstat(path.c_str(), &again) == 0 && again.st_ino == st.st_ino &&
          again.st_dev == st.st_dev) {
        ::unlink(path.c_str());
      }
      return nullptr;
    }
    if (errno == EAGAIN) return nullptr;  // busy or stopped: as if there were none
    throw_io(N_("cannot reach the agent at {0}"), path, errno);
  }
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    throw_io(N_("cannot reach the agent at {0}"), path, errno);
  }
  if (peer_uid(fd) != static_cast<long>(::geteuid())) {
    throw Error(Errc::refused, trf("the agent at {0} runs as another user: not using it", path),
                tr("remove the socket, then unlock again"));
  }
  set_timeouts(fd, kReplyTimeout);
  return conn;
}

}  // namespace

std::optional<std::vector<Secret>> data_keys(const fs::path& vault_dir) {
  auto conn = connect_agent(vault_dir);
  if (!conn) return std::nullopt;
  std::string line;
  if (!conn->send_all("key\n", 4) || !conn->recv_line(line, 32)) return std::nullopt;
  if (line.rfind("ok ", 0) != 0) return std::nullopt;  // "locked": the agent is ending
  std::size_t count = 0;
  try {
    count = std::stoul(line.substr(3));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (count == 0 || count > kMaxKeys) return std::nullopt;
  std::vector<Secret> keys;
  for (std::size_t i = 0; i < count; ++i) {
    Secret key(kKeySize);
    if (!conn->recv_all(key.data(), key.size())) return std::nullopt;
    keys.push_back(std::move(key));
  }
  return keys;
}

std::optional<Status> status(const fs::path& vault_dir) {
  auto conn = connect_agent(vault_dir);
  if (!conn) return std::nullopt;
  std::string line;
  if (!conn->send_all("status\n", 7) || !conn->recv_line(line, 4096)) return std::nullopt;
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  Status s;
  s.pid = j.value("pid", 0L);
  s.unlocked_for = std::chrono::seconds(j.value("unlocked_for", 0L));
  s.idle_left = std::chrono::seconds(j.value("idle_left", 0L));
  s.lifetime_left = std::chrono::seconds(j.value("lifetime_left", 0L));
  return s;
}

void tell_to_stop(const fs::path& vault_dir) noexcept {
  try {
    auto conn = connect_agent(vault_dir);
    if (!conn) return;
    // MSG_DONTWAIT: the request fits in an empty socket buffer; if it does
    // not, the agent is not reading, and ends by itself once the header
    // yields no key. No reply is read.
    (void)!::send(conn->fd(), "lock\n", 5, MSG_DONTWAIT | MSG_NOSIGNAL);
  } catch (const std::exception&) {
    // A foreign or broken socket: the agent ends by itself at its next check.
  }
}

bool lock(const fs::path& vault_dir) {
  auto conn = connect_agent(vault_dir);
  if (!conn) return false;
  std::string line;
  return conn->send_all("lock\n", 5) && conn->recv_line(line, 16) && line == "ok";
}

}  // namespace folio::agent
