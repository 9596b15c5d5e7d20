// Reading a backup payload into an open vault: one transaction, records
// merged as they are read, every field checked before it is used.
//
// Invariants the merge keeps (docs/FORMAT.md, "Importing"):
//  1. Nothing the vault holds is changed or removed: an import only inserts.
//  2. A record of the backup keeps its id, unless the vault already uses the
//     id for different content; then the backup's version is added under a
//     new id (a conflict copy) and reported.
//  3. Importing the same backup again adds nothing: a record equal to one in
//     the vault, or to the conflict copy an earlier import made, is
//     "unchanged".
//  4. Any error (a damaged line, a truncated stream, an attachment whose
//     bytes do not match its hash) throws before the commit, and the
//     transaction's destructor rolls everything back.
#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "backup/payload.h"
#include "text/base64.h"
#include "crypto/hash.h"
#include "folio/backup.h"
#include "folio/dates.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/journal.h"
#include "folio/limits.h"
#include "folio/secret.h"
#include "folio/text.h"
#include "journal/summary.h"
#include "search/index.h"
#include "store/database.h"
#include "store/ids.h"

namespace folio {
namespace {

using Json = nlohmann::json;
using backup::kMaxChunkRaw;
using backup::kStoredChunk;
// The longest base64 text of kMaxChunkRaw bytes, with padding.
constexpr std::size_t kMaxChunkText = (kMaxChunkRaw + 2) / 3 * 4;

[[noreturn]] void damaged(std::size_t line, const std::string& what) {
  throw Error(Errc::corrupt,
              // TRANSLATORS: {1} is one of the "backup is damaged" details below.
              trf("the backup is damaged (line {0}: {1})", line, what),
              tr("nothing was imported; use another copy of the backup"));
}

// One line of the payload as JSON, within kMaxDepth and kMaxValues; a
// discarded value if it is not JSON.
Json parse_line(const std::string& line, std::size_t number) {
  std::size_t values = 0;
  Json::parser_callback_t limit = [&](int depth, Json::parse_event_t event, Json&) {
    if (depth > backup::kMaxDepth) damaged(number, tr("nested too deep"));
    if (event == Json::parse_event_t::value && ++values > backup::kMaxValues) {
      damaged(number, trf("more than {0} values in one record", backup::kMaxValues));
    }
    return true;
  };
  return Json::parse(line, limit, false);
}

[[noreturn]] void not_a_backup() {
  throw Error(Errc::corrupt,
              tr("this file is not a folio backup (it does not start with a folio-backup line)"),
              tr("nothing was imported; check that this is the file 'folio export' wrote"));
}

bool is_id(const std::string& s) {
  if (s.size() != kIdLength) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') ||
           (c >= 'a' && c <= 'z' && c != 'i' && c != 'l' && c != 'o' && c != 'u');
  });
}

bool is_hex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Checked access to the fields of one record.
class Fields {
 public:
  Fields(const Json& j, std::size_t line) : j_(j), line_(line) {}

  std::size_t line() const { return line_; }

  std::string text(const char* key) const {
    auto it = j_.find(key);
    if (it == j_.end() || !it->is_string())
      damaged(line_, trf("'{0}' is missing or not text", key));
    const auto& s = it->get_ref<const std::string&>();
    if (!is_valid_utf8(s)) damaged(line_, trf("'{0}' is not valid text", key));
    return s;
  }
  // Text over kMaxTextBytes is refused, naming the record: no folio export
  // writes one (export refuses it too), so this backup was made by hand or
  // by a folio from before the limit.
  std::string big_text(const char* key, const char* what, const std::string& id) const {
    std::string s = text(key);
    check_size(s, what, id);
    return s;
  }
  std::optional<std::string> opt_big_text(const char* key, const char* what,
                                          const std::string& id) const {
    auto s = opt_text(key);
    if (s) check_size(*s, what, id);
    return s;
  }
  // Any bytes (a NUL, bytes that are not UTF-8 included), for a value that
  // is cleaned rather than refused: an attachment's name.
  std::string raw_text(const char* key) const {
    auto it = j_.find(key);
    if (it == j_.end() || !it->is_string())
      damaged(line_, trf("'{0}' is missing or not text", key));
    return it->get<std::string>();
  }
  std::optional<std::string> opt_text(const char* key) const {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return std::nullopt;
    return text(key);
  }
  std::string line_text(const char* key) const {
    std::string s = text(key);
    if (s.empty() || s.find_first_of("\r\n") != std::string::npos) {
      damaged(line_, trf("'{0}' is empty or not one line", key));
    }
    return s;
  }
  std::int64_t count(const char* key) const {
    auto it = j_.find(key);
    if (it == j_.end() || !it->is_number_integer() || it->get<std::int64_t>() < 0) {
      damaged(line_, trf("'{0}' is missing or not a count", key));
    }
    return it->get<std::int64_t>();
  }
  std::string id(const char* key) const {
    std::string s = text(key);
    if (!is_id(s)) damaged(line_, trf("'{0}' is not a folio id", key));
    return s;
  }
  std::string time(const char* key) const {
    std::string s = text(key);
    try {
      if (format_utc(parse_utc(s)) == s) return s;
    } catch (const Error&) {
    }
    damaged(line_, trf("'{0}' is not a time (YYYY-MM-DDTHH:MM:SSZ)", key));
  }
  std::optional<Day> day(const char* key) const {
    auto d = opt_text(key);
    if (!d) return d;
    // Only the stored form, YYYY-MM-DD: parse_calendar_day also takes what a
    // user may type ("in 10 days"), which must not be stored as written.
    bool shaped = d->size() == 10;
    for (std::size_t i = 0; shaped && i < d->size(); ++i) {
      char c = (*d)[i];
      shaped = (i == 4 || i == 7) ? c == '-' : (c >= '0' && c <= '9');
    }
    try {
      if (shaped) {
        parse_calendar_day(*d, now_utc());
        return d;
      }
    } catch (const Error&) {
    }
    damaged(line_, trf("'{0}' is not a date (YYYY-MM-DD)", key));
  }
  std::vector<std::string> texts(const char* key) const {
    auto it = j_.find(key);
    if (it == j_.end() || !it->is_array())
      damaged(line_, trf("'{0}' is missing or not a list", key));
    std::vector<std::string> out;
    for (const auto& v : *it) {
      if (!v.is_string() || !is_valid_utf8(v.get_ref<const std::string&>())) {
        damaged(line_, trf("'{0}' holds something that is not text", key));
      }
      out.push_back(v.get<std::string>());
    }
    return out;
  }

 private:
  void check_size(const std::string& s, const char* what, const std::string& id) const {
    if (s.size() <= kMaxTextBytes) return;
    // `what` is one of the N_ sentences of its callers.
    throw Error(Errc::refused, trf(what, id, line_, s.size(), kMaxTextBytes >> 20),
                tr("no folio export writes such a backup: it was made by hand, or by a folio "
                   "from before the limit (export it again from that vault with this folio)"));
  }

  const Json& j_;
  std::size_t line_;
};

void bind_opt(Statement& st, int i, const std::optional<std::string>& v) {
  if (v)
    st.bind(i, *v);
  else
    st.bind_null(i);
}

std::optional<std::string> opt_column(const Statement& st, int column) {
  if (st.is_null(column)) return std::nullopt;
  return st.text(column);
}

std::optional<std::int64_t> row_of(Database& db, const char* sql, const std::string& key) {
  Statement st = db.prepare(sql);
  st.bind(1, key);
  if (!st.step()) return std::nullopt;
  return st.integer(0);
}

// "NAME (from backup ID)", then "NAME (from backup ID, 2)" and so on.
std::string copy_name(const std::string& name, const std::string& id, int k) {
  std::string base = name + " (from backup" + (id.empty() ? "" : " " + id);
  return k == 1 ? base + ")" : base + ", " + std::to_string(k) + ")";
}
constexpr int kMaxCopies = 50;

struct EntryRecord {
  std::string created, updated;
  std::optional<std::string> title;
  std::vector<std::string> tags;
  std::string body;
  bool same_content(const EntryRecord& o) const {
    return created == o.created && title == o.title && body == o.body && tags == o.tags;
  }
};

struct ChecklistRecord {
  std::string name;
  std::optional<std::string> description;
  std::optional<Day> target;
  std::string created, updated;
};

struct ItemRecord {
  std::string title, state;
  std::optional<Day> due, expires;
  std::optional<std::string> notes;
  std::string created, updated;
  bool same_content(const ItemRecord& o) const {
    return title == o.title && state == o.state && due == o.due && expires == o.expires &&
           notes == o.notes;
  }
};

struct AttachmentRecord {
  std::string name, media_type, blake2b, created;
  std::uint64_t size = 0;
  bool same_content(const AttachmentRecord& o) const {
    return name == o.name && media_type == o.media_type && size == o.size && blake2b == o.blake2b;
  }
};

// An attachment whose chunk lines are being read.
struct PendingAttachment {
  std::string id;
  std::size_t line = 0;
  AttachmentRecord record;
  std::int64_t chunks = 0;
  std::int64_t next_seq = 0;
  std::uint64_t done = 0;
  Blake2b* hash = nullptr;  // one of Importer::hashes_, used on hasher_'s thread
  std::optional<std::int64_t> row;  // set when its bytes are stored
  std::unique_ptr<Blob> blob;       // the stored chunk being filled
  std::int64_t stored_seq = 0;
  int blob_size = 0, blob_off = 0;
};

class Importer {
 public:
  Importer(Database& db, ByteSource& in, const ImportOptions& options)
      : db_(db), lines_(in), options_(options) {}

  ImportReport run() {
    report_.dry_run = options_.dry_run;
    std::string line;
    struct Wipe {
      std::string& s;
      ~Wipe() { wipe(s.data(), s.size()); }
    } wipe_line{line};
    if (lines_.try_next(line, backup::kMaxHeaderLine) != backup::LineReader::Status::line)
      not_a_backup();
    header(line);
    Database::Transaction tx(db_);
    try {
      while (lines_.next(line, backup::kMaxLine)) {
        if (ended_) damaged(lines_.line_number(), tr("there is more after the end record"));
        if (fast_chunk(line)) continue;
        Json j = parse_line(line, lines_.line_number());
        if (j.is_discarded() || !j.is_object()) damaged(lines_.line_number(), tr("not a JSON object"));
        record(Fields(j, lines_.line_number()));
      }
    } catch (...) {
      pending_.reset();  // closes an open blob before the rollback
      throw;
    }
    if (!ended_) {
      throw Error(Errc::corrupt, tr("the backup is truncated: its end record is missing"),
                  tr("nothing was imported; use a complete copy of the backup"));
    }
    hasher_.finish();
    if (!options_.dry_run) tx.commit();
    return std::move(report_);
  }

 private:
  void header(const std::string& line) {
    Json h = Json::parse(line, nullptr, false);
    if (h.is_discarded() || !h.is_object()) not_a_backup();
    auto format = h.find("format");
    if (format == h.end() || !format->is_string() || format->get<std::string>() != kBackupFormat)
      not_a_backup();
    auto version = h.find("version");
    if (version == h.end() || !version->is_number_integer() || version->get<std::int64_t>() < 1) {
      damaged(1, tr("the payload version is missing"));
    }
    if (version->get<std::int64_t>() > kBackupVersion) {
      throw Error(Errc::unsupported_version,
                  trf("this backup was made by a newer folio (payload version {0}; this folio reads version {1})",
                      version->get<std::int64_t>(), kBackupVersion),
                  tr("nothing was imported; upgrade folio to import it"));
    }
    Fields f(h, 1);
    report_.backup_folio_version = f.opt_text("folio").value_or("");
    report_.backup_created = f.opt_text("created").value_or("");
  }

  void record(const Fields& f) {
    std::string type = f.text("type");
    if (pending_ && type != "chunk") finish_attachment();
    if (type == "entry")
      entry(f);
    else if (type == "checklist")
      checklist(f);
    else if (type == "item")
      item(f);
    else if (type == "link")
      link(f);
    else if (type == "template")
      template_(f);
    else if (type == "attachment")
      attachment(f);
    else if (type == "chunk")
      chunk(f);
    else if (type == "end")
      end(f);
    else
      damaged(f.line(), trf("unknown record type '{0}'", type));
  }

  void conflict(const char* kind, const std::string& id, const std::string& kept_as,
                const std::string& name, const std::string& reason) {
    report_.conflicts.push_back({kind, id, kept_as, name, reason});
  }

  // --- entries ---------------------------------------------------------------

  void entry(const Fields& f) {
    std::string id = f.id("id");
    if (entries_.count(id)) damaged(f.line(), trf("entry {0} appears twice", id));
    EntryRecord e{f.time("created"), f.time("updated"), f.opt_text("title"), f.texts("tags"),
                  f.big_text("body", N_("entry {0} (line {1}) is {2} bytes, more than the {3} MiB one text may hold; nothing was imported"), id)};
    if (e.title && (e.title->empty() || e.title->find_first_of("\r\n") != std::string::npos)) {
      damaged(f.line(), tr("the title is not one line"));
    }
    for (const auto& t : e.tags) {
      std::string n;
      try {
        n = normalize_tag(t);
      } catch (const Error&) {
      }
      if (n != t) damaged(f.line(), trf("'{0}' is not a tag as folio stores them", t));
    }
    std::sort(e.tags.begin(), e.tags.end());
    e.tags.erase(std::unique(e.tags.begin(), e.tags.end()), e.tags.end());
    ++report_.in_backup.entries;

    auto row = row_of(db_, "SELECT id FROM entries WHERE uid = ?1", id);
    if (!row) {
      entries_[id] = insert_entry(id, e);
      ++report_.added.entries;
    } else if (load_entry(*row).same_content(e)) {
      entries_[id] = *row;
      ++report_.unchanged.entries;
    } else if (auto copy = find_entry_copy(e)) {
      entries_[id] = *copy;
      ++report_.unchanged.entries;
    } else {
      std::string fresh = copy_uid(db_, IdTable::entries, id);
      entries_[id] = insert_entry(fresh, e);
      conflict("entry", id, fresh, e.title.value_or(first_line(e.body)),
               "the vault has a different entry with this id");
    }
  }

  EntryRecord load_entry(std::int64_t row) {
    Statement st = db_.prepare(
        "SELECT created, updated, title, body, (SELECT group_concat(t.name, ',') FROM entry_tags "
        "et "
        "JOIN tags t ON t.id = et.tag_id WHERE et.entry_id = e.id) FROM entries e WHERE e.id = ?1");
    st.bind(1, row);
    st.step();
    return {st.text(0), st.text(1), opt_column(st, 2), split_tags(st.text(4)), st.text(3)};
  }

  std::optional<std::int64_t> find_entry_copy(const EntryRecord& e) {
    Statement st =
        db_.prepare("SELECT id FROM entries WHERE created = ?1 AND body = ?2 AND title IS ?3");
    st.bind(1, e.created).bind(2, e.body);
    bind_opt(st, 3, e.title);
    std::vector<std::int64_t> rows;
    while (st.step()) rows.push_back(st.integer(0));
    for (auto r : rows) {
      if (load_entry(r).same_content(e)) return r;
    }
    return std::nullopt;
  }

  std::int64_t insert_entry(const std::string& uid, const EntryRecord& e) {
    Statement ins = db_.prepare(
        "INSERT INTO entries(uid, created, updated, title, body) VALUES (?1, ?2, ?3, ?4, ?5)");
    ins.bind(1, uid).bind(2, e.created).bind(3, e.updated).bind(5, e.body);
    bind_opt(ins, 4, e.title);
    ins.step();
    std::int64_t row = db_.last_insert_id();
    Statement tag = db_.prepare("INSERT OR IGNORE INTO tags(name) VALUES (?1)");
    Statement link = db_.prepare(
        "INSERT OR IGNORE INTO entry_tags(entry_id, tag_id) SELECT ?1, id FROM tags WHERE name = "
        "?2");
    for (const auto& t : e.tags) {
      tag.bind(1, t);
      tag.step();
      tag.reset();
      link.bind(1, row).bind(2, t);
      link.step();
      link.reset();
    }
    index_entry(db_, row);
    return row;
  }

  // --- checklists ------------------------------------------------------------

  void checklist(const Fields& f) {
    std::string id = f.id("id");
    if (checklists_.count(id)) damaged(f.line(), trf("checklist {0} appears twice", id));
    ChecklistRecord c{f.line_text("name"),
                      f.opt_big_text("description", N_("the description of checklist {0} (line {1}) is {2} bytes, more than the {3} MiB one text may hold; nothing was imported"), id),
                      f.day("target"),
                      f.time("created"), f.time("updated")};
    ++report_.in_backup.checklists;

    auto row = row_of(db_, "SELECT id FROM checklists WHERE uid = ?1", id);
    if (!row) {
      std::string name = c.name;
      if (checklist_named(name)) name = free_checklist_name(c.name, id);
      checklists_[id] = insert_checklist(id, name, c);
      ++report_.added.checklists;
      if (name != c.name) {
        conflict("checklist", id, id, c.name,
                 "the vault has another checklist with this name; added as '" + name + "'");
      }
      return;
    }
    if (checklist_matches(*row, c, id)) {
      checklists_[id] = *row;
      ++report_.unchanged.checklists;
      return;
    }
    for (int k = 1; k <= kMaxCopies; ++k) {
      auto copy = checklist_named(copy_name(c.name, id, k));
      if (copy && checklist_matches(*copy, c, id)) {
        checklists_[id] = *copy;
        ++report_.unchanged.checklists;
        return;
      }
    }
    std::string fresh = copy_uid(db_, IdTable::checklists, id);
    std::string name = free_checklist_name(c.name, id);
    checklists_[id] = insert_checklist(fresh, name, c);
    conflict("checklist", id, fresh, c.name,
             "the vault has a different checklist with this id; the backup's is '" + name + "'");
  }

  std::optional<std::int64_t> checklist_named(const std::string& name) {
    return row_of(db_, "SELECT id FROM checklists WHERE name = ?1", name);
  }

  std::string free_checklist_name(const std::string& name, const std::string& id) {
    for (int k = 1; k <= kMaxCopies; ++k) {
      std::string candidate = copy_name(name, id, k);
      if (!checklist_named(candidate)) return candidate;
    }
    throw Error(Errc::refused, trf("too many copies of checklist '{0}' from backups", name),
                tr("rename or remove some of them, then import again"));
  }

  // Same description and target, and the name or a copy name made from it.
  bool checklist_matches(std::int64_t row, const ChecklistRecord& c, const std::string& id) {
    Statement st = db_.prepare("SELECT name, description, target FROM checklists WHERE id = ?1");
    st.bind(1, row);
    st.step();
    std::string name = st.text(0);
    std::string prefix = copy_name(c.name, id, 1);
    prefix.pop_back();
    bool name_ok = name == c.name || name.rfind(prefix, 0) == 0;
    return name_ok && opt_column(st, 1) == c.description && opt_column(st, 2) == c.target;
  }

  std::int64_t insert_checklist(const std::string& uid, const std::string& name,
                                const ChecklistRecord& c) {
    Statement ins = db_.prepare(
        "INSERT INTO checklists(uid, name, description, target, created, updated) VALUES (?1, ?2, "
        "?3, ?4, ?5, ?6)");
    ins.bind(1, uid).bind(2, name);
    bind_opt(ins, 3, c.description);
    bind_opt(ins, 4, c.target);
    ins.bind(5, c.created).bind(6, c.updated);
    ins.step();
    std::int64_t row = db_.last_insert_id();
    index_checklist(db_, row);
    return row;
  }

  // --- items -----------------------------------------------------------------

  void item(const Fields& f) {
    std::string id = f.id("id");
    if (items_.count(id)) damaged(f.line(), trf("item {0} appears twice", id));
    std::string list = f.id("checklist");
    auto target = checklists_.find(list);
    if (target == checklists_.end())
      damaged(f.line(), trf("item {0} names a checklist not in the backup", id));
    f.count("position");
    ItemRecord it{f.line_text("title"),
                  f.line_text("state"),
                  f.day("due"),
                  f.day("expires"),
                  f.opt_big_text("notes", N_("the notes of item {0} (line {1}) is {2} bytes, more than the {3} MiB one text may hold; nothing was imported"), id),
                  f.time("created"),
                  f.time("updated")};
    ++report_.in_backup.items;

    auto row = row_of(db_, "SELECT id FROM items WHERE uid = ?1", id);
    if (!row) {
      items_[id] = insert_item(id, target->second, it);
      ++report_.added.items;
    } else if (load_item(*row).same_content(it)) {
      items_[id] = *row;
      ++report_.unchanged.items;
    } else if (auto copy = find_item_copy(target->second, it)) {
      items_[id] = *copy;
      ++report_.unchanged.items;
    } else {
      std::string fresh = copy_uid(db_, IdTable::items, id);
      items_[id] = insert_item(fresh, target->second, it);
      conflict("item", id, fresh, it.title, "the vault has a different item with this id");
    }
  }

  ItemRecord read_item(const Statement& st) {
    return {st.text(0), st.text(1), opt_column(st, 2), opt_column(st, 3), opt_column(st, 4),
            {},         {}};
  }

  ItemRecord load_item(std::int64_t row) {
    Statement st = db_.prepare("SELECT title, state, due, expires, notes FROM items WHERE id = ?1");
    st.bind(1, row);
    st.step();
    return read_item(st);
  }

  std::optional<std::int64_t> find_item_copy(std::int64_t checklist, const ItemRecord& it) {
    Statement st = db_.prepare(
        "SELECT title, state, due, expires, notes, id FROM items WHERE checklist_id = ?1 AND title "
        "= ?2");
    st.bind(1, checklist).bind(2, it.title);
    while (st.step()) {
      if (read_item(st).same_content(it)) return st.integer(5);
    }
    return std::nullopt;
  }

  // At the end of the checklist, so positions stay 1..n.
  std::int64_t insert_item(const std::string& uid, std::int64_t checklist, const ItemRecord& it) {
    Statement ins = db_.prepare(
        "INSERT INTO items(uid, checklist_id, position, title, state, due, expires, notes, "
        "created, updated) "
        "VALUES (?1, ?2, (SELECT count(*) + 1 FROM items WHERE checklist_id = ?2), ?3, ?4, ?5, ?6, "
        "?7, ?8, ?9)");
    ins.bind(1, uid).bind(2, checklist).bind(3, it.title).bind(4, it.state);
    bind_opt(ins, 5, it.due);
    bind_opt(ins, 6, it.expires);
    bind_opt(ins, 7, it.notes);
    ins.bind(8, it.created).bind(9, it.updated);
    ins.step();
    std::int64_t row = db_.last_insert_id();
    index_item(db_, row);
    return row;
  }

  // --- links -----------------------------------------------------------------

  void link(const Fields& f) {
    auto e = entries_.find(f.id("entry"));
    auto i = items_.find(f.id("item"));
    if (e == entries_.end() || i == items_.end())
      damaged(f.line(), tr("a link names a record not in the backup"));
    ++report_.in_backup.links;
    Statement ins =
        db_.prepare("INSERT OR IGNORE INTO entry_items(entry_id, item_id) VALUES (?1, ?2)");
    ins.bind(1, e->second).bind(2, i->second);
    ins.step();
    if (db_.changes() > 0)
      ++report_.added.links;
    else
      ++report_.unchanged.links;
  }

  // --- templates -------------------------------------------------------------

  void template_(const Fields& f) {
    std::string name = f.line_text("name");
    if (!templates_.insert(name).second) damaged(f.line(), trf("template '{0}' appears twice", name));
    std::string created = f.time("created");
    std::vector<std::string> titles = f.texts("items");
    ++report_.in_backup.templates;
    auto local = template_items(name);
    if (!local) {
      insert_template(name, created, titles);
      ++report_.added.templates;
      return;
    }
    if (*local == titles) {
      ++report_.unchanged.templates;
      return;
    }
    for (int k = 1; k <= kMaxCopies; ++k) {
      std::string candidate = copy_name(name, "", k);
      auto other = template_items(candidate);
      if (other && *other == titles) {
        ++report_.unchanged.templates;
        return;
      }
      if (!other) {
        insert_template(candidate, created, titles);
        conflict("template", name, candidate, name,
                 "the vault has a different template with this name");
        return;
      }
    }
    throw Error(Errc::refused, trf("too many copies of template '{0}' from backups", name),
                tr("remove some of them, then import again"));
  }

  std::optional<std::vector<std::string>> template_items(const std::string& name) {
    auto row = row_of(db_, "SELECT id FROM templates WHERE name = ?1", name);
    if (!row) return std::nullopt;
    Statement st =
        db_.prepare("SELECT title FROM template_items WHERE template_id = ?1 ORDER BY position");
    st.bind(1, *row);
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.text(0));
    return out;
  }

  void insert_template(const std::string& name, const std::string& created,
                       const std::vector<std::string>& titles) {
    Statement ins = db_.prepare("INSERT INTO templates(name, created) VALUES (?1, ?2)");
    ins.bind(1, name).bind(2, created);
    ins.step();
    std::int64_t row = db_.last_insert_id();
    Statement item =
        db_.prepare("INSERT INTO template_items(template_id, position, title) VALUES (?1, ?2, ?3)");
    std::int64_t pos = 0;
    for (const auto& t : titles) {
      item.bind(1, row).bind(2, ++pos).bind(3, t);
      item.step();
      item.reset();
    }
  }

  // --- attachments -----------------------------------------------------------

  void attachment(const Fields& f) {
    std::string id = f.id("id");
    if (!attachments_.insert(id).second) damaged(f.line(), trf("attachment {0} appears twice", id));
    auto target = items_.find(f.id("item"));
    if (target == items_.end())
      damaged(f.line(), trf("attachment {0} names an item not in the backup", id));
    // A name that is not a plain file name is cleaned, not refused: one bad
    // name must not cost a user the rest of their only backup.
    std::string given = f.raw_text("name");
    AttachmentRecord a{safe_file_name(given), f.line_text("media_type"), f.text("blake2b"),
                       f.time("created"), static_cast<std::uint64_t>(f.count("size"))};
    if (a.name != given) report_.renamed.push_back({id, given, a.name});
    if (!is_hex64(a.blake2b))
      damaged(f.line(), trf("the blake2b of attachment {0} is not 64 hex digits", id));
    ++report_.in_backup.attachments;
    report_.in_backup.attachment_bytes += a.size;

    pending_.emplace();
    pending_->hash = hashes_.emplace_back(std::make_unique<Blake2b>()).get();
    pending_->id = id;
    pending_->line = f.line();
    pending_->record = a;
    pending_->chunks = f.count("chunks");

    auto row = row_of(db_, "SELECT id FROM attachments WHERE uid = ?1", id);
    if (!row) {
      pending_->row = insert_attachment(id, target->second, a);
      ++report_.added.attachments;
      report_.added.attachment_bytes += a.size;
    } else if (load_attachment(*row).same_content(a) || find_attachment_copy(target->second, a)) {
      ++report_.unchanged.attachments;
      report_.unchanged.attachment_bytes += a.size;
    } else {
      std::string fresh = copy_uid(db_, IdTable::attachments, id);
      pending_->row = insert_attachment(fresh, target->second, a);
      conflict("attachment", id, fresh, a.name,
               "the vault has a different attachment with this id");
    }
  }

  AttachmentRecord load_attachment(std::int64_t row) {
    Statement st = db_.prepare(
        "SELECT name, media_type, blake2b, created, size FROM attachments WHERE id = ?1");
    st.bind(1, row);
    st.step();
    // Compared as import stores a name: an older vault's own name is the
    // same attachment as the cleaned one its export wrote.
    return {safe_file_name(st.text(0)), st.text(1), st.text(2), st.text(3),
            static_cast<std::uint64_t>(st.integer(4))};
  }

  bool find_attachment_copy(std::int64_t item, const AttachmentRecord& a) {
    Statement st = db_.prepare("SELECT id FROM attachments WHERE item_id = ?1 AND blake2b = ?2");
    st.bind(1, item).bind(2, a.blake2b);
    std::vector<std::int64_t> rows;
    while (st.step()) rows.push_back(st.integer(0));
    return std::any_of(rows.begin(), rows.end(),
                       [&](std::int64_t r) { return load_attachment(r).same_content(a); });
  }

  std::int64_t insert_attachment(const std::string& uid, std::int64_t item,
                                 const AttachmentRecord& a) {
    Statement ins = db_.prepare(
        "INSERT INTO attachments(uid, item_id, name, media_type, size, blake2b, created) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    ins.bind(1, uid).bind(2, item).bind(3, a.name).bind(4, a.media_type);
    ins.bind(5, static_cast<std::int64_t>(a.size)).bind(6, a.blake2b).bind(7, a.created);
    ins.step();
    return db_.last_insert_id();
  }

  void chunk(const Fields& f) {
    if (!pending_ || f.id("attachment") != pending_->id)
      damaged(f.line(), tr("a chunk outside its attachment"));
    PendingAttachment& p = *pending_;
    if (f.count("seq") != p.next_seq)
      damaged(f.line(), trf("chunk {0} is missing", p.next_seq));
    ++p.next_seq;
    ++chunks_;
    std::string data = f.text("data");
    // kMaxChunkRaw bytes encode to at most this many characters, with padding.
    const bool decoded = data.size() <= kMaxChunkText && base64_decode_padded_into(data, bytes_);
    wipe(data.data(), data.size());
    if (!decoded) {
      wipe(bytes_.data(), bytes_.size());
      damaged(f.line(), trf("a chunk of attachment {0} is not valid base64", p.id));
    }
    chunk_bytes(p, f.line());
  }

  // A chunk line exactly as export writes it,
  //   {"type":"chunk","attachment":"ID","seq":N,"data":"BASE64"}
  // read without building a JSON tree (the bulk of a backup is these lines).
  // Any other shape, or a value that would fail a check, returns false
  // before anything is changed, and the line takes the general path, which
  // accepts what JSON allows (escapes, other key orders, spaces) and words
  // the errors.
  bool fast_chunk(const std::string& line) {
    static constexpr std::string_view kStart = R"({"type":"chunk","attachment":")";
    static constexpr std::string_view kSeq = R"(","seq":)";
    static constexpr std::string_view kData = R"(,"data":")";
    static constexpr std::string_view kEnd = R"("})";
    std::string_view rest(line);
    if (rest.substr(0, kStart.size()) != kStart) return false;
    rest.remove_prefix(kStart.size());
    if (rest.size() < kIdLength || !is_id(std::string(rest.substr(0, kIdLength)))) return false;
    const std::string_view id = rest.substr(0, kIdLength);
    rest.remove_prefix(kIdLength);
    if (rest.substr(0, kSeq.size()) != kSeq) return false;
    rest.remove_prefix(kSeq.size());
    // A JSON number without a sign, fraction or leading zero, and small.
    std::size_t digits = 0;
    std::int64_t seq = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
      seq = seq * 10 + (rest[digits] - '0');
      if (++digits > 15) return false;
    }
    if (digits == 0 || (digits > 1 && rest[0] == '0')) return false;
    rest.remove_prefix(digits);
    if (rest.substr(0, kData.size()) != kData) return false;
    rest.remove_prefix(kData.size());
    if (rest.size() < kEnd.size() || rest.substr(rest.size() - kEnd.size()) != kEnd) return false;
    const std::string_view data = rest.substr(0, rest.size() - kEnd.size());
    if (data.size() > kMaxChunkText || !base64_decode_padded_into(data, bytes_)) {
      wipe(bytes_.data(), bytes_.size());
      return false;
    }
    // chunk()'s checks, in its order.
    const std::size_t number = lines_.line_number();
    if (!pending_ || id != pending_->id) {
      wipe(bytes_.data(), bytes_.size());
      damaged(number, tr("a chunk outside its attachment"));
    }
    PendingAttachment& p = *pending_;
    if (seq != p.next_seq) {
      wipe(bytes_.data(), bytes_.size());
      damaged(number, trf("chunk {0} is missing", p.next_seq));
    }
    ++p.next_seq;
    ++chunks_;
    chunk_bytes(p, number);
    return true;
  }

  // The decoded bytes of a chunk line (in bytes_): checked, hashed, stored.
  void chunk_bytes(PendingAttachment& p, std::size_t line) {
    struct Wipe {
      std::vector<std::uint8_t>& b;
      ~Wipe() { wipe(b.data(), b.size()); }
    } wipe_bytes{bytes_};
    if (bytes_.size() > kMaxChunkRaw) {
      damaged(line, trf("a chunk of attachment {0} is over {1} MiB", p.id, kMaxChunkRaw >> 20));
    }
    if (p.done + bytes_.size() > p.record.size) {
      damaged(line, trf("attachment {0} has more bytes than its size", p.id));
    }
    // Hashed on hasher_'s thread, in pieces of at most one of its blocks.
    Blake2b* hash = p.hash;
    for (std::size_t off = 0; off < bytes_.size(); off += backup::PipelinedSink::kBlock) {
      const std::size_t n = std::min(bytes_.size() - off, backup::PipelinedSink::kBlock);
      hasher_.process({bytes_.data() + off, n},
                      [hash](std::span<const std::uint8_t> b) { hash->update(b.data(), b.size()); });
    }
    if (p.row && !options_.dry_run) store(p, bytes_);
    p.done += bytes_.size();
  }

  // Into stored chunks of kStoredChunk bytes, sized from the attachment's
  // size, each written through incremental blob I/O.
  void store(PendingAttachment& p, const std::vector<std::uint8_t>& bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
      if (!p.blob || p.blob_off == p.blob_size) {
        p.blob.reset();
        std::uint64_t left =
            p.record.size - static_cast<std::uint64_t>(p.stored_seq) * kStoredChunk;
        p.blob_size = static_cast<int>(std::min<std::uint64_t>(kStoredChunk, left));
        Statement ins = db_.prepare(
            "INSERT INTO attachment_chunks(attachment_id, seq, data) VALUES (?1, ?2, "
            "zeroblob(?3))");
        ins.bind(1, *p.row).bind(2, p.stored_seq++).bind(3, static_cast<std::int64_t>(p.blob_size));
        ins.step();
        p.blob.reset(
            new Blob(db_.open_blob("attachment_chunks", "data", db_.last_insert_id(), true)));
        p.blob_off = 0;
      }
      int n = static_cast<int>(std::min<std::size_t>(
          bytes.size() - off, static_cast<std::size_t>(p.blob_size - p.blob_off)));
      p.blob->write(bytes.data() + off, n, p.blob_off);
      p.blob_off += n;
      off += static_cast<std::size_t>(n);
    }
  }

  void finish_attachment() {
    PendingAttachment& p = *pending_;
    p.blob.reset();
    if (p.next_seq != p.chunks || p.done != p.record.size) {
      damaged(p.line, trf("attachment {0} is incomplete or does not match its checksum", p.id));
    }
    // The hash once hasher_ has all the bytes; its error comes out of a
    // later hasher_ call, at the latest hasher_.finish() before the commit.
    hasher_.then([hash = p.hash, expected = p.record.blake2b, line = p.line, id = p.id] {
      if (hash->hex() != expected)
        damaged(line, trf("attachment {0} is incomplete or does not match its checksum", id));
    });
    if (p.row) index_attachment(db_, *p.row);
    pending_.reset();
  }

  // --- the end -----------------------------------------------------------------

  void end(const Fields& f) {
    const RecordCounts& n = report_.in_backup;
    const std::pair<const char*, std::size_t> expected[] = {
        {"entries", n.entries}, {"checklists", n.checklists}, {"items", n.items},
        {"links", n.links},     {"templates", n.templates},   {"attachments", n.attachments},
        {"chunks", chunks_}};
    for (const auto& [key, got] : expected) {
      if (static_cast<std::size_t>(f.count(key)) != got) {
        // TRANSLATORS: {1} is a record kind as the backup format names it (entries, items...).
        damaged(f.line(), trf("the end record counts {0} {1}, the backup holds {2}", f.count(key), key, got));
      }
    }
    ended_ = true;
  }

  Database& db_;
  backup::LineReader lines_;
  const ImportOptions& options_;
  ImportReport report_;
  std::unordered_map<std::string, std::int64_t> entries_, checklists_, items_;
  std::unordered_set<std::string> attachments_, templates_;
  std::optional<PendingAttachment> pending_;
  // The attachments' BLAKE2b run on a second thread (bench/README.md): a
  // PipelinedSink that only hashes and checks, writing nothing.
  struct NoSink : ByteSink {
    void write(std::span<const std::uint8_t>) override {}
  } no_sink_;
  std::vector<std::unique_ptr<Blake2b>> hashes_;
  backup::PipelinedSink hasher_{no_sink_};
  std::vector<std::uint8_t> bytes_;
  std::size_t chunks_ = 0;
  bool ended_ = false;
};

}  // namespace

ImportReport Backup::read_payload(ByteSource& in, const ImportOptions& options) {
  Importer importer(*db_, in, options);
  return importer.run();
}

}  // namespace folio
