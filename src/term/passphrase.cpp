// Secrets from the terminal (echo off), a descriptor or a file. Every byte
// read goes straight into a Secret; nothing is staged in ordinary memory.
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>
#include <utf8proc.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>

#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/terminal.h"
#include "folio/text.h"

namespace folio {
namespace {

constexpr std::size_t kMaxSecret = 4096;

// Restored by the signal handler if the user interrupts a prompt with echo off.
int g_tty_fd = -1;
struct termios g_saved_termios;

// Echo holds (see EchoHold in folio/terminal.h). While g_held, the terminal
// is still quiet after a prompt: g_tty_fd is open, g_saved_termios is what to
// restore, and the prompt's signal handlers stay in place, their predecessors
// kept here.
int g_hold_depth = 0;
bool g_held = false;
struct sigaction g_held_old_int, g_held_old_term, g_held_old_hup;

// What the handler prints, in the user's language: translated before the
// handler is installed, since gettext is not async-signal-safe.
char g_interrupted[512] = "folio: error: interrupted; nothing was changed\n";
std::size_t g_interrupted_size = std::strlen(g_interrupted);

void prepare_interrupted_message() {
  std::string line = std::string("folio: ") + tr("error") + ": " + tr("interrupted; nothing was changed") + "\n";
  if (line.size() >= sizeof g_interrupted) return;  // a translation that long keeps the English line
  std::memcpy(g_interrupted, line.data(), line.size());
  g_interrupted[line.size()] = '\0';
  g_interrupted_size = line.size();
}

// An interrupted prompt restores the terminal and ends folio as "cancelled"
// (exit 10), the same as an interrupted editor. Only async-signal-safe calls.
extern "C" void restore_tty_and_exit(int) {
  if (g_tty_fd >= 0) {
    tcsetattr(g_tty_fd, TCSAFLUSH, &g_saved_termios);
    (void)!write(g_tty_fd, "\n", 1);
  }
  (void)!write(STDERR_FILENO, g_interrupted, g_interrupted_size);
  _exit(10);
}

// Reads up to the first line ending or EOF into a Secret. The line ending is
// not kept; a trailing CR is dropped.
Secret read_line(int fd, bool stop_at_newline) {
  Secret buf(kMaxSecret);
  std::size_t n = 0;
  for (;;) {
    std::uint8_t c = 0;
    ssize_t r = ::read(fd, &c, 1);
    if (r < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      throw Error(Errc::io, trf("cannot read the passphrase: {0}", std::strerror(err)));
    }
    if (r == 0) break;
    if (c == '\n' && stop_at_newline) break;
    if (c == '\n') break;
    if (n == buf.size()) {
      throw Error(Errc::invalid_argument, trf("the passphrase is longer than {0} bytes", kMaxSecret));
    }
    buf.data()[n++] = c;
  }
  if (n > 0 && buf.data()[n - 1] == '\r') --n;
  buf.truncate(n);
  return buf;
}

// `empty` is what to say when nothing was read, already translated.
Secret finish(Secret raw, const std::string& empty) {
  if (raw.empty()) throw Error(Errc::invalid_argument, empty);
  return normalize_secret(raw);
}

}  // namespace

bool have_terminal() noexcept {
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

void release_held_terminal() noexcept {
  if (!g_held) return;
  // TCSAFLUSH: whatever was typed while echo was held off is discarded, so it
  // neither shows nor reaches the editor as commands.
  tcsetattr(g_tty_fd, TCSAFLUSH, &g_saved_termios);
  sigaction(SIGINT, &g_held_old_int, nullptr);
  sigaction(SIGTERM, &g_held_old_term, nullptr);
  sigaction(SIGHUP, &g_held_old_hup, nullptr);
  ::close(g_tty_fd);
  g_tty_fd = -1;
  g_held = false;
}

EchoHold::EchoHold() noexcept { ++g_hold_depth; }

EchoHold::~EchoHold() {
  if (--g_hold_depth == 0) release_held_terminal();
}

Secret prompt_secret(const std::string& prompt) {
  // A second prompt under a hold starts from the user's own settings.
  release_held_terminal();
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(Errc::refused, tr("no terminal to ask for the passphrase"),
                tr("give it with --passphrase-fd N or --passphrase-file FILE"));
  }
  prepare_interrupted_message();
  struct termios saved {};
  bool have_attrs = tcgetattr(fd, &saved) == 0;
  struct sigaction sa {}, old_int {}, old_term {}, old_hup {};
  if (have_attrs) {
    g_tty_fd = fd;
    g_saved_termios = saved;
    sa.sa_handler = restore_tty_and_exit;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    struct termios quiet = saved;
    quiet.c_lflag &= static_cast<tcflag_t>(~(ECHO | ECHONL));
    quiet.c_lflag |= ICANON;
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  (void)!::write(fd, prompt.data(), prompt.size());
  auto restore = [&] {
    if (have_attrs && g_hold_depth > 0) {
      // Echo stays off until the editor takes the terminal or the hold ends.
      g_held = true;
      g_held_old_int = old_int;
      g_held_old_term = old_term;
      g_held_old_hup = old_hup;
      (void)!::write(fd, "\n", 1);
      return;
    }
    if (have_attrs) {
      tcsetattr(fd, TCSAFLUSH, &saved);
      sigaction(SIGINT, &old_int, nullptr);
      sigaction(SIGTERM, &old_term, nullptr);
      sigaction(SIGHUP, &old_hup, nullptr);
      g_tty_fd = -1;
    }
    (void)!::write(fd, "\n", 1);
    ::close(fd);
  };
  Secret raw;
  try {
    raw = read_line(fd, true);
  } catch (...) {
    const int depth = g_hold_depth;
    g_hold_depth = 0;  // a failed prompt gives the terminal back at once
    restore();
    g_hold_depth = depth;
    throw;
  }
  restore();
  if (raw.empty()) throw Error(Errc::cancelled, tr("no passphrase given"));
  return normalize_secret(raw);
}

Secret read_secret_fd(int fd, const std::string& option) {
  const std::string named = option + " " + std::to_string(fd);
  if (fd < 0 || ::fcntl(fd, F_GETFD) < 0) {
    throw Error(Errc::invalid_argument, trf("{0} is not an open file descriptor", named));
  }
  // TRANSLATORS: {0} is the option and its number, "--passphrase-fd 3".
  return finish(read_line(fd, true), trf("the passphrase from {0} is empty", named));
}

Secret read_secret_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    throw Error(err == ENOENT ? Errc::invalid_argument : Errc::io,
                trf("cannot read the passphrase file {0}: {1}", path, std::strerror(err)));
  }
  try {
    Secret s = finish(read_line(fd, true), tr("the passphrase from the file is empty"));
    ::close(fd);
    return s;
  } catch (...) {
    ::close(fd);
    throw;
  }
}

Secret normalize_secret(const Secret& in) {
  auto opts = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE);
  const auto* src = reinterpret_cast<const utf8proc_uint8_t*>(in.data());
  auto len = static_cast<utf8proc_ssize_t>(in.size());
  utf8proc_ssize_t cps = utf8proc_decompose(src, len, nullptr, 0, opts);
  if (cps < 0) {
    throw Error(Errc::invalid_argument, tr("the passphrase is not valid UTF-8 text"));
  }
  // Decoded code points, then re-encoded in place as UTF-8 (never longer).
  Secret work(static_cast<std::size_t>(cps) * sizeof(utf8proc_int32_t) + sizeof(utf8proc_int32_t));
  auto* buf = reinterpret_cast<utf8proc_int32_t*>(work.data());
  utf8proc_ssize_t got = utf8proc_decompose(src, len, buf, cps, opts);
  if (got < 0 || got > cps) throw Error(Errc::invalid_argument, tr("the passphrase is not valid UTF-8 text"));
  utf8proc_ssize_t bytes = utf8proc_reencode(buf, got, opts);
  if (bytes < 0) throw Error(Errc::invalid_argument, tr("the passphrase is not valid UTF-8 text"));
  Secret out(static_cast<std::size_t>(bytes));
  std::memcpy(out.data(), work.data(), static_cast<std::size_t>(bytes));
  return out;
}

}  // namespace folio

namespace folio {

bool ask_yes_no(const std::string& question) {
  release_held_terminal();
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) throw Error(Errc::refused, tr("no terminal to ask for confirmation"), tr("add --yes"));
  std::string q = question + " [y/N] ";
  (void)!::write(fd, q.data(), q.size());
  std::string answer;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') answer += c;
  ::close(fd);
  if (!answer.empty() && answer.back() == '\r') answer.pop_back();
  std::string lower;
  for (char ch : answer) lower += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
  // TRANSLATORS: a word that also means yes at a [y/N] question (y and yes
  // always do); in Chinese 是.
  return lower == "y" || lower == "yes" || answer == tr("yes");
}

std::string prompt_line(const std::string& prompt, std::size_t max_bytes) {
  release_held_terminal();
  int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) throw Error(Errc::refused, tr("no terminal to ask on"));
  (void)!::write(fd, prompt.data(), prompt.size());
  std::string line;
  bool too_long = false, ended = false;
  for (;;) {
    char buf[256];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::string_view got(buf, static_cast<std::size_t>(n));
    auto nl = got.find('\n');
    if (nl != std::string_view::npos) got = got.substr(0, nl);
    if (line.size() + got.size() > max_bytes) too_long = true;
    if (!too_long) line.append(got);
    if (nl != std::string_view::npos) {
      ended = true;
      break;
    }
  }
  // After Ctrl-D the cursor is still after the prompt: end its line.
  if (!ended) (void)!::write(fd, "\n", 1);
  ::close(fd);
  if (!ended) {
    throw Error(Errc::cancelled, tr("nothing was typed; nothing was changed"));
  }
  if (too_long) {
    throw Error(Errc::invalid_argument, trf("the answer is over {0} bytes", max_bytes));
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  require_utf8(line, tr("the answer"));
  return line;
}

}  // namespace folio
