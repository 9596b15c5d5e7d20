// The agent process: started by `folio unlock`, it holds the vault key and
// serves data keys until it is told to stop, times out, or the vault's header
// stops yielding a key.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <time.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "agent/wire.h"
#include "folio/agent.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "vault/agent_access.h"
#include "vault/files.h"

namespace folio::agent {
namespace fs = std::filesystem;

namespace {

// The agent's deadlines run on CLOCK_BOOTTIME, which counts the time the
// machine is suspended: a laptop unlocked in the evening and suspended
// overnight is locked in the morning. (steady_clock, CLOCK_MONOTONIC, stops.)
struct Clock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<Clock>;
  [[maybe_unused]] static constexpr bool is_steady = true;  // a Clock must say; clang sees no reader
  static time_point now() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_BOOTTIME, &ts);
    return time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
  }
};

// How often the agent wakes up even without a request, to check its deadlines
// and that the vault's header still yields a key (panic, destroy, a rekey
// elsewhere): it ends within this long of the keys being destroyed.
constexpr std::chrono::milliseconds kCheckEvery{1000};

constexpr char kConfigMagic[] = "folio-agent-config-v1";
constexpr std::size_t kKeySize = 32;

volatile sig_atomic_t g_stop = 0;
void on_stop_signal(int) { g_stop = 1; }

// Closes `fd` on scope exit unless released.
struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

bool write_all(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool read_all(int fd, void* data, std::size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// A socket bound and listening at `path`.
int listen_at(const fs::path& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    const int err = errno;
    throw_io(tr("cannot create a socket"), err);
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  mode_t old = ::umask(077);
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  int err = errno;
  ::umask(old);
  if (rc != 0 || ::listen(fd, 16) != 0) {
    if (rc == 0) err = errno;
    ::close(fd);
    throw_io(N_("cannot listen on {0}"), path, err);
  }
  return fd;
}

long seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::max<long>(0, std::chrono::duration_cast<std::chrono::seconds>(b - a).count());
}

}  // namespace

void start(const Vault& vault, const Options& options, const std::string& executable) {
  const Secret& vault_key = vault_key_of(vault);
  if (vault_key.empty()) {
    throw Error(Errc::refused, tr("this vault was opened through the agent; unlock needs the passphrase"),
                tr("run 'folio lock' first"));
  }
  if (options.idle.count() < 1 || options.max_lifetime > kMaxLifetime || options.idle > options.max_lifetime) {
    throw Error(Errc::invalid_argument, tr("the agent's timeouts are out of bounds"),
                tr("use 1 second to 24 hours, with --timeout no longer than --max-lifetime"));
  }
  const fs::path vault_dir = fs::weakly_canonical(fs::absolute(vault.path()));
  socket_dir(true);
  const fs::path path = socket_path(vault_dir);
  if (agent::status(vault_dir)) {  // also removes a stale socket
    throw Error(Errc::already_exists, tr("the vault is already unlocked"),
                tr("see 'folio status'; 'folio lock' ends the agent"));
  }
  int listen_fd = listen_at(path);
  FdGuard listen_guard{listen_fd};
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    const int err = errno;
    throw_io(tr("cannot create a pipe"), err);
  }
  FdGuard read_guard{pipe_fds[0]}, write_guard{pipe_fds[1]};

  pid_t child = ::fork();
  if (child < 0) {
    const int err = errno;  // fork's, before unlink may change it
    ::unlink(path.c_str());
    throw_io(tr("cannot start the agent"), err);
  }
  if (child == 0) {
    // The agent: a fresh image of the folio binary, with the socket on fd 3
    // and the settings pipe on fd 4. Nothing of this process's memory (the
    // open database's page cache) goes with it.
    if (::dup2(listen_fd, 3) < 0 || ::dup2(pipe_fds[0], 4) < 0) ::_exit(127);
    // dup2 onto the same number keeps close-on-exec; clear it on both. Every
    // other descriptor the caller had (a --passphrase-fd, a lock file) stays
    // behind: the agent lives for hours.
    if (::fcntl(3, F_SETFD, 0) != 0 || ::fcntl(4, F_SETFD, 0) != 0) ::_exit(127);
    ::close_range(5, ~0U, 0);
    ::setsid();
    // A child of a child: the agent is adopted by init, and the caller does not
    // have to wait for it.
    pid_t grandchild = ::fork();
    if (grandchild != 0) ::_exit(grandchild < 0 ? 127 : 0);
    char arg0[] = "folio";
    char arg1[] = "agent-serve";
    char* argv[] = {arg0, arg1, nullptr};
    ::execv(executable.c_str(), argv);
    ::_exit(127);
  }
  int wstatus = 0;
  ::waitpid(child, &wstatus, 0);
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    ::unlink(path.c_str());
    throw Error(Errc::internal, "the agent could not be started");
  }
  nlohmann::json config = {{"vault", vault_dir.string()},
                           {"socket", path.string()},
                           {"idle", options.idle.count()},
                           {"max_lifetime", options.max_lifetime.count()}};
  std::string head = std::string(kConfigMagic) + "\n" + config.dump() + "\n";
  bool sent = write_all(pipe_fds[1], head.data(), head.size()) &&
              write_all(pipe_fds[1], vault_key.data(), vault_key.size());
  ::close(pipe_fds[1]);
  write_guard.fd = -1;
  if (!sent) {
    ::unlink(path.c_str());
    throw Error(Errc::internal, "the agent could not be started (it did not take its settings)");
  }
  // The agent listens on the socket we bound; wait until it answers.
  listen_guard.fd = -1;
  ::close(listen_fd);
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (agent::status(vault_dir)) return;
    ::usleep(20000);
  }
  throw Error(Errc::internal, "the agent did not answer after it was started");
}

int serve(int listen_fd, int config_fd) {
  // Settings: a magic line, a line of JSON, then the vault key.
  std::string head;
  for (char c = 0; head.size() < 4096;) {
    if (!read_all(config_fd, &c, 1)) return 2;
    head.push_back(c);
    if (c == '\n' && head.find('\n') != head.size() - 1) break;
  }
  if (head.rfind(std::string(kConfigMagic) + "\n", 0) != 0) return 2;
  auto config = nlohmann::json::parse(head.substr(sizeof kConfigMagic), nullptr, false);
  if (config.is_discarded() || !config.is_object()) return 2;
  Secret vault_key(kKeySize);
  if (!read_all(config_fd, vault_key.data(), vault_key.size())) return 2;
  ::close(config_fd);
  const fs::path vault_dir = config.value("vault", std::string());
  const fs::path path = config.value("socket", std::string());
  const auto idle = std::chrono::seconds(config.value("idle", 600L));
  const auto max_lifetime = std::chrono::seconds(config.value("max_lifetime", 7200L));
  struct stat bound {};
  if (vault_dir.empty() || path.empty() || ::stat(path.c_str(), &bound) != 0) return 2;

  // Detached from the terminal and from the caller's pipes.
  int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd >= 0) {
    ::dup2(null_fd, 0);
    ::dup2(null_fd, 1);
    ::dup2(null_fd, 2);
    if (null_fd > 2) ::close(null_fd);
  }
  if (::chdir("/") != 0) return 2;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGHUP, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  // The stop signals are blocked except inside ppoll(), so one that arrives
  // between the check of g_stop and the wait ends the wait at once.
  sigset_t stop_signals, during_wait;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGHUP);
  ::sigprocmask(SIG_BLOCK, &stop_signals, &during_wait);
  sigdelset(&during_wait, SIGTERM);
  sigdelset(&during_wait, SIGINT);
  sigdelset(&during_wait, SIGHUP);

  const auto started = Clock::now();
  auto last_use = started;
  const uid_t me = ::geteuid();
  bool stopping = false;
  auto remove_socket = [&] {
    // Only our own socket: a later agent may have bound the same path.
    struct stat now {};
    if (::stat(path.c_str(), &now) == 0 && now.st_ino == bound.st_ino && now.st_dev == bound.st_dev) {
      ::unlink(path.c_str());
    }
    ::close(listen_fd);
  };
  while (!stopping && !g_stop) {
    const auto now = Clock::now();
    const auto deadline = std::min(last_use + idle, started + max_lifetime);
    if (now >= deadline) break;
    auto wait = std::min<Clock::duration>(deadline - now + std::chrono::milliseconds(1), kCheckEvery);
    timespec ts{};
    ts.tv_sec = std::chrono::duration_cast<std::chrono::seconds>(wait).count();
    ts.tv_nsec = (wait - std::chrono::seconds(ts.tv_sec)).count();
    pollfd p{listen_fd, POLLIN, 0};
    int ready = ::ppoll(&p, 1, &ts, &during_wait);
    if (ready < 0) continue;  // a signal: the loop head decides
    if (ready == 0) {
      // Nobody asked: check that the header still yields the key.
      bool keys_left = false;
      try {
        keys_left = !current_data_keys(vault_dir, vault_key).empty();
      } catch (const Error&) {
      }
      if (!keys_left) break;
      continue;
    }
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Connection conn(fd);
    if (peer_uid(fd) != static_cast<long>(me)) continue;  // another user: not a word
    set_timeouts(fd, std::chrono::seconds(2));
    std::string request;
    if (!conn.recv_line(request, 16)) continue;
    if (request == "key") {
      std::vector<Secret> keys;
      try {
        keys = current_data_keys(vault_dir, vault_key);
      } catch (const Error&) {
        // The header is gone or changed beyond us (panic, destroy): stop.
      }
      if (keys.empty()) {
        remove_socket();
        conn.send_all("locked\n", 7);
        return 0;
      }
      std::string line = "ok " + std::to_string(keys.size()) + "\n";
      bool ok = conn.send_all(line.data(), line.size());
      for (const Secret& k : keys) ok = ok && conn.send_all(k.data(), k.size());
      last_use = Clock::now();
    } else if (request == "status") {
      const auto t = Clock::now();
      nlohmann::json j = {{"pid", static_cast<long>(::getpid())},
                          {"vault", vault_dir.string()},
                          {"unlocked_for", seconds_between(started, t)},
                          {"idle_left", seconds_between(t, last_use + idle)},
                          {"lifetime_left", seconds_between(t, started + max_lifetime)}};
      std::string line = j.dump() + "\n";
      conn.send_all(line.data(), line.size());
    } else if (request == "lock") {
      remove_socket();
      conn.send_all("ok\n", 3);
      return 0;
    }
  }
  remove_socket();
  return 0;
}

}  // namespace folio::agent
