// A readable, unencrypted Markdown document of the whole vault, for leaving
// folio or printing. Not a backup: it cannot be imported (the JSON Lines
// payload can). Attachments are only named, or extracted beside it.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "folio/backup.h"
#include "folio/dates.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/limits.h"
#include "folio/secret.h"
#include "folio/text.h"
#include "folio/version.h"
#include "journal/summary.h"
#include "store/database.h"

namespace folio {
namespace {

class Document {
 public:
  explicit Document(ByteSink& out) : out_(out) {}
  // Never writes: the success path flushes. A destructor that wrote would
  // throw again while a failed write unwinds, and std::terminate would skip
  // the removal of the half-written file.
  ~Document() { wipe(buf_.data(), buf_.size()); }
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;
  Document& operator<<(std::string_view text) {
    buf_.append(text);
    if (buf_.size() > (256 << 10)) flush();
    return *this;
  }
  void flush() {
    if (buf_.empty()) return;
    out_.write({reinterpret_cast<const std::uint8_t*>(buf_.data()), buf_.size()});
    buf_.clear();
  }

 private:
  ByteSink& out_;
  std::string buf_;
};

std::string opt(const Statement& st, int column) {
  return st.is_null(column) ? "" : st.text(column);
}

// A file name for an extracted attachment: its id, then its name made a
// plain file name (safe_file_name), the whole within kMaxFileNameBytes.
std::string file_name(const std::string& id, const std::string& name) {
  return id + "-" + safe_file_name(name, kMaxFileNameBytes - id.size() - 1);
}

// Writes attachment `id` to `path` (0600). A file already there is an error,
// or, with `replace`, is replaced whole: the bytes go to a temporary file
// beside it first, then a rename.
void extract_to(Database& db, const std::string& id, const std::filesystem::path& path,
                bool replace) {
  auto fail = [&path](int err) {
    return Error(Errc::io, trf("cannot write {0}: {1}", path, std::strerror(err)));
  };
  // TARGET.folio-PID-XXXXXX, as the command line names its temporary files,
  // so that the next export can tell a killed one's (cli/backup_io.h).
  std::string written =
      replace ? path.string() + ".folio-" + std::to_string(::getpid()) + "-XXXXXX" : path.string();
  int fd = -1;
  if (replace) {
    fd = ::mkostemp(written.data(), O_CLOEXEC);  // 0600
  } else {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  }
  if (fd < 0) {
    if (errno == EEXIST) {
      throw Error(Errc::already_exists, trf("{0} already exists", path),
                  tr("export into an empty folder, or add --force to replace the files"));
    }
    throw fail(errno);
  }
  try {
    Checklists(db).extract(id, fd);
    if (::fsync(fd) != 0) throw fail(errno);
    if (replace && ::rename(written.c_str(), path.c_str()) != 0) throw fail(errno);
  } catch (...) {
    ::close(fd);
    ::unlink(written.c_str());
    throw;
  }
  ::close(fd);
}

}  // namespace

void Backup::write_markdown(ByteSink& out, const std::filesystem::path& attachments_dir,
                            bool replace_files) const {
  Database& db = *db_;
  // What this call extracted, removed again if it fails: no half export.
  struct Extracted {
    std::vector<std::filesystem::path> files;
    bool done = false;
    ~Extracted() {
      if (done) return;
      for (const auto& f : files) ::unlink(f.c_str());
    }
  } extracted;
  db.exec("BEGIN");
  struct End {
    Database& db;
    ~End() {
      try {
        db.exec("ROLLBACK");
      } catch (...) {
      }
    }
  } end{db};
  Document doc(out);
  doc << "# folio vault\n\nExported " << format_utc(now_utc()) << " by folio " << kVersion
      << ". This document is not encrypted. Times are UTC.\n\n## Journal\n";

  Statement entries = db.prepare(
      "SELECT e.uid, e.created, e.updated, e.title, e.body, (SELECT group_concat(t.name, ', ') "
      "FROM entry_tags et "
      "JOIN tags t ON t.id = et.tag_id WHERE et.entry_id = e.id) FROM entries e ORDER BY "
      "e.created, e.uid");
  while (entries.step()) {
    std::string title = entries.is_null(3) ? first_line(entries.text(4)) : entries.text(3);
    doc << "\n### " << title << "\n\n" << entries.text(1) << " · id " << entries.text(0);
    if (entries.text(2) != entries.text(1)) doc << " · edited " << entries.text(2);
    if (!entries.is_null(5)) doc << " · tags: " << entries.text(5);
    doc << "\n\n" << entries.text(4) << "\n";
  }

  if (!attachments_dir.empty() && ::mkdir(attachments_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw Error(Errc::io,
                trf("cannot create {0}: {1}", attachments_dir, std::strerror(errno)));
  }
  doc << "\n## Checklists\n";
  Statement lists =
      db.prepare("SELECT id, uid, name, description, target FROM checklists ORDER BY created, uid");
  Statement items = db.prepare(
      "SELECT id, uid, position, title, state, due, expires, notes FROM items WHERE checklist_id = "
      "?1 ORDER BY position");
  Statement files = db.prepare(
      "SELECT uid, name, size FROM attachments WHERE item_id = ?1 ORDER BY created, uid");
  Statement linked = db.prepare(
      "SELECT e.uid FROM entry_items ei JOIN entries e ON e.id = ei.entry_id WHERE ei.item_id = ?1 "
      "ORDER BY e.uid");
  while (lists.step()) {
    doc << "\n### " << lists.text(2) << "\n\nid " << lists.text(1);
    if (!lists.is_null(4)) doc << " · target " << lists.text(4);
    doc << "\n\n";
    if (!lists.is_null(3)) doc << lists.text(3) << "\n\n";
    items.bind(1, lists.integer(0));
    while (items.step()) {
      std::string state = items.text(4);
      doc << (state == "done" ? "- [x] " : "- [ ] ") << items.text(2) << ". " << items.text(3)
          << " (" << state;
      if (!items.is_null(5)) doc << ", due " << items.text(5);
      if (!items.is_null(6)) doc << ", expires " << items.text(6);
      doc << ") · id " << items.text(1) << "\n";
      if (!items.is_null(7)) {
        std::string notes = opt(items, 7);
        doc << "  - notes: ";
        for (char c : notes)
          doc << (c == '\n' ? std::string_view("\n    ") : std::string_view(&c, 1));
        doc << "\n";
      }
      files.bind(1, items.integer(0));
      while (files.step()) {
        std::string id = files.text(0), name = files.text(1);
        doc << "  - attachment: ";
        if (attachments_dir.empty()) {
          doc << name;
        } else {
          std::string fname = file_name(id, name);
          extract_to(db, id, attachments_dir / fname, replace_files);
          extracted.files.push_back(attachments_dir / fname);
          doc << "[" << name << "](" << attachments_dir.filename().string() << "/" << fname << ")";
        }
        doc << " (" << std::to_string(files.integer(2)) << " bytes, id " << id << ")\n";
      }
      files.reset();
      linked.bind(1, items.integer(0));
      while (linked.step()) doc << "  - linked entry: " << linked.text(0) << "\n";
      linked.reset();
    }
    items.reset();
  }

  doc << "\n## Saved templates\n";
  Statement templates = db.prepare(
      "SELECT t.name, ti.title FROM templates t LEFT JOIN template_items ti ON ti.template_id = "
      "t.id "
      "ORDER BY t.name, ti.position");
  std::string current;
  bool first = true;
  while (templates.step()) {
    if (first || templates.text(0) != current) {
      current = templates.text(0);
      first = false;
      doc << "\n### " << current << "\n\n";
    }
    if (!templates.is_null(1)) doc << "- " << templates.text(1) << "\n";
  }
  doc.flush();
  extracted.done = true;
}

}  // namespace folio
