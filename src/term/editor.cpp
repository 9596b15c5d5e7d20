// $EDITOR on a file in RAM. The invariant: the text exists on disk only inside
// a tmpfs folder of ours (0700). Its name says what state it is in:
//
//   folio-edit-PID-XXXXXX    the editor runs      wiped if edit_text() throws,
//                                                 or by the next run if PID died
//   folio-saving-PID-XXXXXX  the text is being    wiped by discard(); renamed to
//                            stored               folio-kept- by keep(), or by
//                                                 the next run if PID died
//   folio-kept-PID-XXXXXX    kept for the user    left alone until the user
//                                                 removes its file (then the
//                                                 empty folder goes), or panic
#include "folio/editor.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/secret.h"
#include "folio/terminal.h"

namespace folio {
namespace fs = std::filesystem;

namespace {

constexpr char kPrefix[] = "folio-edit-";
constexpr char kSaving[] = "folio-saving-";
constexpr char kKept[] = "folio-kept-";
constexpr char kFileName[] = "entry.txt";

bool is_ram_backed(const std::string& dir) {
  struct statfs sf {};
  if (statfs(dir.c_str(), &sf) != 0) return false;
  return sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC;
}

std::vector<std::string> ram_candidates() {
  std::vector<std::string> out;
  if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x != nullptr && *x == '/') out.push_back(x);
  out.emplace_back("/dev/shm");
  return out;
}

std::string ram_dir() {
  for (const auto& d : ram_candidates()) {
    if (is_ram_backed(d) && ::access(d.c_str(), W_OK | X_OK) == 0) return d;
  }
  throw Error(Errc::refused,
              tr("no RAM-backed folder for the editor's file; refusing to write the entry to disk"),
              tr("set XDG_RUNTIME_DIR to a tmpfs folder, or pipe the text into folio on standard input"));
}

// Overwrites a regular file with zeros, syncs it, and unlinks it.
void wipe_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      std::vector<char> zeros(4096, 0);
      off_t left = st.st_size;
      while (left > 0) {
        auto n = ::write(fd, zeros.data(), static_cast<std::size_t>(std::min<off_t>(left, 4096)));
        if (n <= 0) break;
        left -= n;
      }
      ::fsync(fd);
    }
    ::close(fd);
  }
  ::unlink(path.c_str());
}

void wipe_dir(const std::string& dir);

// Wipes every file in `dir` but `keep` (an editor's swap and backup files);
// folders in it are wiped and removed whole.
void wipe_others(const std::string& dir, const std::string& keep) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != ".." && n != keep) names.push_back(n);
    }
    ::closedir(d);
  }
  for (const auto& n : names) {
    std::string p = dir + "/" + n;
    struct stat st {};
    if (::lstat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      wipe_dir(p);
    } else {
      wipe_file(p);
    }
  }
}

// Wipes every file in `dir` (editors may add swap or backup files) and removes it.
void wipe_dir(const std::string& dir) {
  wipe_others(dir, "");
  ::rmdir(dir.c_str());
}

std::string editor_command() {
  for (const char* var : {"VISUAL", "EDITOR"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && *v != '\0') return v;
  }
  return "vi";
}

// The program an editor command runs, resolving Debian's alternatives links
// (vi -> vim.basic), so that we know which flags it understands.
std::string editor_kind(const std::string& command) {
  std::string first = command.substr(0, command.find_first_of(" \t"));
  std::string path = first;
  if (first.find('/') == std::string::npos) {
    const char* p = std::getenv("PATH");
    std::string paths = p != nullptr ? p : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= paths.size()) {
      auto colon = paths.find(':', start);
      std::string dir = paths.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      std::string cand = dir + "/" + first;
      if (::access(cand.c_str(), X_OK) == 0) {
        path = cand;
        break;
      }
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  std::error_code ec;
  fs::path real = fs::canonical(path, ec);
  std::string name = ec ? fs::path(path).filename().string() : real.filename().string();
  if (name.rfind("nvim", 0) == 0) return "nvim";
  if (name.rfind("vim", 0) == 0 || name == "vi" || name == "view" || name == "gvim") return "vim";
  if (name.rfind("emacs", 0) == 0 && name.find("client") == std::string::npos) return "emacs";
  if (name.rfind("nano", 0) == 0 || name.rfind("rnano", 0) == 0) return "nano";
  return "other";
}

std::vector<std::string> private_flags(const std::string& kind) {
  // --cmd runs before the user's vimrc, -c after it: a vimrc that turns
  // undofile or backups on would otherwise win.
  if (kind == "vim") {
    return {"-n", "-i", "NONE", "--cmd", "set noswapfile nobackup nowritebackup noundofile viminfo=",
            "-c", "set noswapfile nobackup nowritebackup noundofile viminfo="};
  }
  if (kind == "nvim") {
    return {"-n", "-i", "NONE", "--cmd", "set noswapfile nobackup nowritebackup noundofile shada=",
            "-c", "set noswapfile nobackup nowritebackup noundofile shada="};
  }
  if (kind == "emacs") {
    return {"--eval",
            "(setq make-backup-files nil backup-inhibited t auto-save-default nil create-lockfiles nil)"};
  }
  if (kind == "nano") return {"--ignorercfiles"};  // no backups, history or position log
  return {};
}

volatile sig_atomic_t g_stop_signal = 0;
extern "C" void note_stop(int sig) { g_stop_signal = sig; }

// Our folders in `base` whose name starts with `prefix`, with the pid that
// follows it.
std::vector<std::pair<std::string, long>> folders_of(const std::string& base, const char* prefix) {
  std::vector<std::pair<std::string, long>> out;
  DIR* d = ::opendir(base.c_str());
  if (d == nullptr) return out;
  const std::string want = prefix;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.rfind(want, 0) != 0) continue;
    long pid = std::strtol(n.c_str() + want.size(), nullptr, 10);
    std::string p = base + "/" + n;
    struct stat st {};
    if (pid <= 0 || ::lstat(p.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid()) {
      continue;
    }
    out.emplace_back(p, pid);
  }
  ::closedir(d);
  return out;
}

bool process_is_gone(long pid) { return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH; }

// `dir` (base/PREFIX-rest) renamed to base/`to`-rest; the new path, or "" if
// the rename failed.
std::string rename_state(const std::string& dir, const char* from, const char* to) {
  auto slash = dir.rfind('/');
  std::string name = dir.substr(slash + 1);
  if (name.rfind(from, 0) != 0) return "";
  std::string moved = dir.substr(0, slash + 1) + to + name.substr(std::strlen(from));
  return ::rename(dir.c_str(), moved.c_str()) == 0 ? moved : "";
}

bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

EditedText::EditedText(std::string text, std::string dir, std::string file) noexcept
    : text_(std::move(text)), dir_(std::move(dir)), file_(std::move(file)) {}

EditedText::EditedText(EditedText&& other) noexcept
    : text_(std::move(other.text_)), dir_(std::move(other.dir_)), file_(std::move(other.file_)) {
  other.dir_.clear();
}

EditedText& EditedText::operator=(EditedText&& other) noexcept {
  if (this != &other) {
    discard();
    wipe(text_.data(), text_.size());
    text_ = std::move(other.text_);
    dir_ = std::move(other.dir_);
    file_ = std::move(other.file_);
    other.dir_.clear();
  }
  return *this;
}

EditedText::~EditedText() {
  discard();
  wipe(text_.data(), text_.size());
}

void EditedText::discard() noexcept {
  if (dir_.empty()) return;
  wipe_dir(dir_);
  dir_.clear();
}

std::string EditedText::keep() {
  if (dir_.empty()) throw Error(Errc::internal, "the edited text is no longer there to keep");
  std::string kept = rename_state(dir_, kSaving, kKept);
  if (!kept.empty()) {
    dir_.clear();
    return kept + "/" + kFileName;
  }
  // The folder could not be renamed: a new kept folder with the text, named
  // as saving until the file is whole (another run removes an empty kept one).
  std::string base = dir_.substr(0, dir_.rfind('/'));
  std::string templ = base + "/" + kSaving + std::to_string(::getpid()) + "-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) {
    const int err = errno;
    throw Error(Errc::io, trf("{0}: {1}", trf("cannot keep the edited text in {0}", base), std::strerror(err)));
  }
  std::string file = templ + "/" + kFileName;
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && write_all(fd, text_);
  if (fd >= 0) ::close(fd);
  std::string moved = ok ? rename_state(templ, kSaving, kKept) : "";
  if (moved.empty()) {
    wipe_dir(templ);
    throw Error(Errc::io, trf("cannot keep the edited text in {0}", base));
  }
  discard();
  return moved + "/" + kFileName;
}

std::optional<EditedText> edit_text(const std::string& initial) {
  clean_stale_edits();
  std::string base = ram_dir();
  std::string templ = base + "/" + kPrefix + std::to_string(::getpid()) + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    const int err = errno;
    throw Error(Errc::io, trf("cannot create a private folder in {0}: {1}", base, std::strerror(err)));
  }
  const std::string dir = buf.data();  // mkdtemp makes it 0700
  const std::string file = dir + "/" + kFileName;

  // From here on, every exit path wipes `dir`.
  struct sigaction ignore {}, note {}, old_int {}, old_quit {}, old_term {}, old_hup {};
  ignore.sa_handler = SIG_IGN;
  note.sa_handler = note_stop;
  sigemptyset(&ignore.sa_mask);
  sigemptyset(&note.sa_mask);
  g_stop_signal = 0;
  // Ctrl-C goes to the editor (the terminal's foreground group); we wait.
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGQUIT, &ignore, &old_quit);
  sigaction(SIGTERM, &note, &old_term);
  sigaction(SIGHUP, &note, &old_hup);
  auto restore_signals = [&] {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGQUIT, &old_quit, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    sigaction(SIGHUP, &old_hup, nullptr);
  };

  try {
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      const int err = errno;
      throw Error(Errc::io, trf("cannot create the editor's file: {0}", std::strerror(err)));
    }
    std::size_t done = 0;
    while (done < initial.size()) {
      auto n = ::write(fd, initial.data() + done, initial.size() - done);
      if (n <= 0) {
        const int err = errno;
        ::close(fd);
        throw Error(Errc::io, trf("cannot write the editor's file: {0}", std::strerror(err)));
      }
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);

    std::string command = editor_command();
    std::vector<std::string> args = {"/bin/sh", "-c", command + " \"$@\"", "folio-editor"};
    for (auto& f : private_flags(editor_kind(command))) args.push_back(f);
    args.push_back(file);

    // Echo back on, and keys typed while the vault was being unlocked thrown
    // away, only now that the editor is about to own the terminal.
    release_held_terminal();
    pid_t child = ::fork();
    if (child < 0) {
      const int err = errno;
      throw Error(Errc::io, trf("cannot start the editor: {0}", std::strerror(err)));
    }
    if (child == 0) {
      // Default signal handling in the editor.
      signal(SIGINT, SIG_DFL);
      signal(SIGQUIT, SIG_DFL);
      signal(SIGTERM, SIG_DFL);
      signal(SIGHUP, SIG_DFL);
      // The editor reads its keys from the terminal even when folio's
      // standard input was a pipe that gave a field ('folio add --title -').
      if (isatty(STDIN_FILENO) != 1) {
        int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY);
        if (tty >= 0 && tty != STDIN_FILENO) {
          ::dup2(tty, STDIN_FILENO);
          ::close(tty);
        }
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    int status = 0;
    for (;;) {
      pid_t r = ::waitpid(child, &status, 0);
      if (r == child) break;
      if (r < 0 && errno == EINTR) {
        if (g_stop_signal != 0) ::kill(child, SIGTERM);
        continue;
      }
      throw Error(Errc::internal, "lost track of the editor process");
    }
    if (g_stop_signal != 0) throw Error(Errc::cancelled, tr("interrupted; nothing was saved"));
    if (WIFSIGNALED(status)) throw Error(Errc::cancelled, tr("the editor was interrupted; nothing was saved"));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      throw Error(Errc::cancelled,
                  trf("the editor '{0}' exited with status {1}; nothing was saved", command,
                      WIFEXITED(status) ? WEXITSTATUS(status) : -1),
                  WEXITSTATUS(status) == 127 ? tr("set EDITOR to an installed editor") : "");
    }

    std::string text;
    int in = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) throw Error(Errc::cancelled, tr("the editor's file is gone; nothing was saved"));
    char chunk[65536];
    for (;;) {
      auto n = ::read(in, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      text.append(chunk, static_cast<std::size_t>(n));
    }
    wipe(chunk, sizeof chunk);
    ::close(in);
    restore_signals();
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      wipe_dir(dir);
      return std::nullopt;
    }
    // The file stays while the caller stores the text, under a name that
    // tells the next folio run to keep it should this one die meanwhile.
    wipe_others(dir, kFileName);
    std::string saving = rename_state(dir, kPrefix, kSaving);
    if (saving.empty()) saving = dir;
    return EditedText(std::move(text), saving, saving + "/" + kFileName);
  } catch (...) {
    wipe_dir(dir);
    restore_signals();
    throw;
  }
}

void clean_stale_edits() noexcept {
  for (const auto& base : ram_candidates()) {
    for (const auto& [p, pid] : folders_of(base, kPrefix)) {
      if (process_is_gone(pid)) wipe_dir(p);
    }
    // A save that died: the text may never have reached the vault.
    for (const auto& [p, pid] : folders_of(base, kSaving)) {
      if (process_is_gone(pid)) rename_state(p, kSaving, kKept);
    }
    // A kept folder whose file the user removed.
    for (const auto& [p, pid] : folders_of(base, kKept)) {
      struct stat st {};
      if (::lstat((p + "/" + kFileName).c_str(), &st) != 0) wipe_dir(p);
    }
  }
}

std::vector<std::string> kept_edits() {
  std::vector<std::string> out;
  for (const auto& base : ram_candidates()) {
    for (const auto& [p, pid] : folders_of(base, kKept)) {
      std::string f = p + "/" + kFileName;
      struct stat st {};
      if (::lstat(f.c_str(), &st) == 0 && S_ISREG(st.st_mode)) out.push_back(f);
    }
  }
  return out;
}

void wipe_kept_edits() noexcept {
  for (const auto& base : ram_candidates()) {
    for (const auto& [p, pid] : folders_of(base, kKept)) wipe_dir(p);
    for (const auto& [p, pid] : folders_of(base, kSaving)) {
      if (process_is_gone(pid)) wipe_dir(p);
    }
  }
}

}  // namespace folio
