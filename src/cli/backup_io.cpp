#include "cli/backup_io.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <vector>

#include "cli/common.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/terminal.h"

namespace folio::cli {

void BackupPassphraseOptions::add_to(CLI::App& cmd) {
  CLI::Option* by_fd = cmd.add_option("--backup-passphrase-fd", fd,
                                      tr("read the backup's passphrase from this file descriptor"));
  cmd.add_option("--backup-passphrase-file", file,
                 tr("read the backup's passphrase from this file (first line)"))
      ->excludes(by_fd);
}

Secret BackupPassphraseOptions::read() const {
  if (fd) return read_secret_fd(*fd, "--backup-passphrase-fd");
  if (!file.empty()) return read_secret_file(file);
  return prompt_secret(tr("Backup passphrase: "));
}

Secret BackupPassphraseOptions::read_new(bool allow_weak) const {
  Secret pass;
  if (given()) {
    pass = read();
  } else {
    pass = prompt_secret(tr("New backup passphrase: "));
    Secret again = prompt_secret(tr("Repeat the backup passphrase: "));
    if (!pass.equals(again))
      throw Error(Errc::invalid_argument, tr("the two passphrases differ; nothing was written"));
  }
  Strength s = estimate_strength(pass);
  // TRANSLATORS: {0} is the rating ("weak", "strong"...), {1} a power of two.
  note(trf("backup passphrase strength: {0} (about 2^{1} guesses)", s.rating, strength_bits(s)));
  if (s.bits < kMinStrengthBits && !allow_weak) {
    throw Error(Errc::refused, tr("the backup passphrase is too weak; nothing was written"),
                tr("use a longer passphrase (e.g. five or more random words), or --allow-weak"));
  }
  return pass;
}

Secret read_key_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) throw Error(Errc::not_found, trf("no identity file {0}", path));
    throw Error(Errc::io, trf("cannot read {0}: {1}", path, std::strerror(err)));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  constexpr std::size_t kMax = 1 << 20;
  Secret s(kMax + 1);
  std::size_t got = 0;
  while (got < s.size()) {
    ssize_t n = ::read(fd, s.data() + got, s.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(Errc::io, trf("cannot read {0}: {1}", path, std::strerror(errno)));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > kMax) throw Error(Errc::invalid_argument, trf("{0} is too large for an identity file", path));
  s.truncate(got);
  return s;
}

namespace {

Error exists_error(const std::filesystem::path& target, OutputFile::Replace replace) {
  if (replace == OutputFile::Replace::never) {
    return Error(Errc::already_exists,
                 trf("{0} already exists, and this command never overwrites a file (it may hold a key you "
                     "still need); nothing was written",
                     target),
                 tr("choose another path with -o, or move or remove that file first"));
  }
  return Error(Errc::already_exists, trf("{0} already exists; nothing was written", target),
               tr("choose another file name, or add --force to overwrite it"));
}

}  // namespace

void OutputFile::check(const std::filesystem::path& target, bool force, Replace replace) {
  std::error_code ec;
  if (!force && std::filesystem::exists(std::filesystem::symlink_status(target, ec))) {
    throw exists_error(target, replace);
  }
  if (std::filesystem::is_directory(target, ec)) {
    throw Error(Errc::invalid_argument, trf("{0} is a folder", target), tr("give a file name"));
  }
}

namespace {

constexpr char kTempMarker[] = ".folio-";

// The pid in NAME.folio-PID-XXXXXX, or 0 when `file` is not named so (for
// `name`, or for any name when it is empty).
long temp_pid(const std::string& file, const std::string& name) {
  std::size_t at = file.rfind(kTempMarker);
  if (at == std::string::npos || at == 0 || (!name.empty() && file.compare(0, at, name) != 0) ||
      (!name.empty() && at != name.size())) {
    return 0;
  }
  std::string rest = file.substr(at + sizeof kTempMarker - 1);
  auto dash = rest.find('-');
  if (dash == std::string::npos || dash == 0 || rest.size() != dash + 7) return 0;
  long pid = 0;
  for (std::size_t i = 0; i < dash; ++i) {
    if (rest[i] < '0' || rest[i] > '9' || dash > 9) return 0;
    pid = pid * 10 + (rest[i] - '0');
  }
  return pid;
}

void overwrite_and_unlink(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      static const char zeros[65536] = {};
      for (off_t done = 0; done < st.st_size;) {
        auto n = ::pwrite(fd, zeros, static_cast<std::size_t>(std::min<off_t>(st.st_size - done, sizeof zeros)),
                          done);
        if (n <= 0) break;
        done += n;
      }
      ::fsync(fd);
    }
    ::close(fd);
  }
  ::unlink(file.c_str());
}

}  // namespace

void remove_stale_temps(const std::filesystem::path& dir, const std::string& name) {
  std::error_code ec;
  const std::filesystem::path folder = dir.empty() ? std::filesystem::path(".") : dir;
  std::vector<std::filesystem::path> stale;
  for (auto it = std::filesystem::directory_iterator(folder, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    long pid = temp_pid(it->path().filename().string(), name);
    if (pid <= 0) continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::getuid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) stale.push_back(it->path());
  }
  for (const auto& f : stale) {
    overwrite_and_unlink(f);
    note(trf("removed {0}, left by an interrupted folio run", f));
  }
}

int create_temp_beside(const std::filesystem::path& target, std::string& temp) {
  remove_stale_temps(target.parent_path(), target.filename().string());
  std::string name = target.string() + kTempMarker + std::to_string(::getpid()) + "-XXXXXX";
  int fd = ::mkostemp(name.data(), O_CLOEXEC);  // 0600
  if (fd < 0) {
    int err = errno;
    throw Error(Errc::io, trf("cannot write {0}: {1}", target, std::strerror(err)),
                err == ENOSPC ? tr("free some disk space, or write elsewhere") : "");
  }
  temp = name;
  return fd;
}

OutputFile::OutputFile(std::filesystem::path target, bool force, Replace replace)
    : target_(std::move(target)), force_(force), replace_(replace) {
  check(target_, force_, replace_);
  fd_ = create_temp_beside(target_, temp_);
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

void OutputFile::commit() {
  auto fail = [this](int err) {
    return Error(Errc::io, trf("cannot write {0}: {1}", target_, std::strerror(err)),
                 err == ENOSPC ? tr("free some disk space, or write the backup elsewhere") : "");
  };
  if (::fsync(fd_) != 0) throw fail(errno);
  int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) throw fail(errno);
  if (force_) {
    if (::rename(temp_.c_str(), target_.c_str()) != 0) throw fail(errno);
  } else {
    // Never replace a file that appeared meanwhile: rename with
    // RENAME_NOREPLACE; where the file system lacks it, link() (which
    // refuses too); where that is missing as well (vfat, exFAT: the usual
    // backup stick), a last look, then rename.
    int err = 0;
    if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_NOREPLACE) != 0) {
      err = errno;
      if (err == EINVAL || err == ENOSYS) {
        err = 0;
        if (::link(temp_.c_str(), target_.c_str()) == 0) {
          ::unlink(temp_.c_str());
        } else {
          err = errno;
          if (err == EPERM || err == EOPNOTSUPP || err == ENOSYS) {
            struct stat st {};
            if (::lstat(target_.c_str(), &st) == 0) {
              err = EEXIST;
            } else {
              err = ::rename(temp_.c_str(), target_.c_str()) == 0 ? 0 : errno;
            }
          }
        }
      }
    }
    if (err == EEXIST) throw exists_error(target_, replace_);
    if (err != 0) throw fail(err);
  }
  temp_.clear();
  std::filesystem::path dir = target_.parent_path();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

namespace {

volatile sig_atomic_t g_interrupted = 0;
struct sigaction g_old_int {
}, g_old_term{}, g_old_hup{};

void on_signal(int) { g_interrupted = 1; }

}  // namespace

InterruptGuard::InterruptGuard() {
  g_interrupted = 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
  sigaction(SIGHUP, &sa, &g_old_hup);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  sigaction(SIGHUP, &g_old_hup, nullptr);
}

bool InterruptGuard::interrupted() { return g_interrupted != 0; }

void InterruptibleSink::write(std::span<const std::uint8_t> bytes) {
  if (InterruptGuard::interrupted()) {
    throw Error(Errc::cancelled, tr("interrupted; the partial file was removed and nothing was written"));
  }
  out_.write(bytes);
}

std::size_t ProgressSource::read(std::span<std::uint8_t> out) {
  auto check = [] {
    if (InterruptGuard::interrupted()) throw Error(Errc::cancelled, tr("interrupted; nothing was imported"));
  };
  check();
  std::size_t n = in_.read(out);
  check();  // a read that a signal interrupted and that was then resumed
  done_ += n;
  if (progress_ && total_ > 0 && (done_ - shown_ >= (1u << 20) || (n == 0 && shown_ != total_))) {
    shown_ = std::min(done_, total_);
    progress_(shown_, total_);
  }
  return n;
}

int open_backup_input(const std::string& path) {
  if (path == "-") return STDIN_FILENO;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) throw Error(Errc::not_found, trf("no file {0}", path));
    throw Error(Errc::io, trf("cannot read {0}: {1}", path, std::strerror(err)));
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw Error(Errc::invalid_argument, trf("{0} is a folder", path), tr("give the backup file"));
  }
  return fd;
}

BackupInput::~BackupInput() {
  if (fd_ != STDIN_FILENO) ::close(fd_);
}

std::uint64_t input_size(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

namespace {

// The kind of a conflicting record (ImportConflict::kind) as a word in the
// user's language; a kind a later folio added is shown as it is.
std::string conflict_kind(const std::string& kind) {
  static const char* const kKinds[] = {N_("entry"), N_("checklist"), N_("item"), N_("attachment"), N_("template")};
  for (const char* k : kKinds) {
    if (kind == k) return tr(k);
  }
  return kind;
}

nlohmann::json counts_json(const RecordCounts& c) {
  return {{"entries", c.entries},
          {"checklists", c.checklists},
          {"items", c.items},
          {"links", c.links},
          {"templates", c.templates},
          {"attachments", c.attachments},
          {"attachment_bytes", c.attachment_bytes}};
}

}  // namespace

std::string counts_text(const RecordCounts& c) {
  std::vector<std::string> parts;
  if (c.entries > 0) parts.push_back(trn("{0} entry", "{0} entries", c.entries));
  if (c.checklists > 0) parts.push_back(trn("{0} checklist", "{0} checklists", c.checklists));
  if (c.items > 0) parts.push_back(trn("{0} item", "{0} items", c.items));
  if (c.links > 0) parts.push_back(trn("{0} link", "{0} links", c.links));
  if (c.templates > 0) parts.push_back(trn("{0} template", "{0} templates", c.templates));
  if (c.attachments > 0) {
    // TRANSLATORS: {1} is their size, "2.1 MB".
    parts.push_back(
        trn("{0} attachment ({1})", "{0} attachments ({1})", c.attachments, size_text(c.attachment_bytes)));
  }
  // TRANSLATORS: an empty list of record counts ("exported nothing").
  if (parts.empty()) return tr("nothing");
  std::string out = parts[0];
  // TRANSLATORS: between two counts of a list, "2 entries, 1 checklist".
  for (std::size_t i = 1; i < parts.size(); ++i) out += tr(", ") + parts[i];
  return out;
}

void print_import_report(const ImportReport& r, bool json) {
  if (json) {
    nlohmann::json renamed = nlohmann::json::array();
    for (const auto& n : r.renamed) {
      renamed.push_back(
          {{"kind", "attachment"}, {"id", n.id}, {"name", n.name}, {"stored_as", n.stored_as}});
    }
    nlohmann::json conflicts = nlohmann::json::array();
    for (const auto& c : r.conflicts) {
      conflicts.push_back({{"kind", c.kind},
                           {"id", c.id},
                           {"kept_as", c.kept_as},
                           {"name", c.name},
                           {"reason", c.reason}});
    }
    print_json({{"dry_run", r.dry_run},
                {"backup", {{"folio", r.backup_folio_version}, {"created", r.backup_created}}},
                {"in_backup", counts_json(r.in_backup)},
                {"added", counts_json(r.added)},
                {"unchanged", counts_json(r.unchanged)},
                {"conflicts", conflicts},
                {"renamed", renamed}});
    return;
  }
  const std::string created = r.backup_created.empty() ? tr("unknown date") : r.backup_created;
  std::cout << trf("backup of {0} (folio {1}): {2}", terminal_safe(created), terminal_safe(r.backup_folio_version),
                   counts_text(r.in_backup))
            << '\n';
  std::cout << (r.dry_run ? trf("would add: {0}", counts_text(r.added)) : trf("added: {0}", counts_text(r.added)))
            << '\n';
  std::cout << trf("unchanged: {0}", counts_text(r.unchanged)) << '\n';
  if (!r.conflicts.empty()) {
    std::cout << (r.dry_run ? trf("conflicts (would keep both versions): {0}", r.conflicts.size())
                            : trf("conflicts (both versions kept): {0}", r.conflicts.size()))
              << '\n';
    for (const auto& c : r.conflicts) {
      const std::string kind = conflict_kind(c.kind);
      const std::string id = terminal_safe(c.id), name = terminal_safe(c.name), reason = terminal_safe(c.reason);
      // TRANSLATORS: {0} is the kind of record (entry, checklist...), {1} its id, {2} its name, {3} why
      // it conflicts, {4} the id the backup's version now has.
      std::cout << "  "
                << (c.kept_as != c.id
                        ? trf("{0} {1} \"{2}\": {3}; the backup's version is {4}", kind, id, name, reason,
                              terminal_safe(c.kept_as))
                        : trf("{0} {1} \"{2}\": {3}", kind, id, name, reason))
                << '\n';
    }
  }
  if (!r.renamed.empty()) {
    std::cout << (r.dry_run ? trf("renamed (not plain file names), would be stored as: {0}", r.renamed.size())
                            : trf("renamed (not plain file names), stored as: {0}", r.renamed.size()))
              << '\n';
    for (const auto& n : r.renamed) {
      std::cout << "  "
                << trf("attachment {0} \"{1}\" as \"{2}\"", terminal_safe(n.id), terminal_safe(n.name),
                       terminal_safe(n.stored_as))
                << '\n';
    }
  }
  if (r.dry_run) std::cout << tr("dry run: nothing was written") << '\n';
}

}  // namespace folio::cli
