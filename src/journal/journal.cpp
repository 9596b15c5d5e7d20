#include "folio/journal.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>
#include <tuple>

#include "folio/dates.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/limits.h"
#include "folio/secret.h"
#include "folio/text.h"
#include "store/database.h"
#include "store/ids.h"
#include "search/index.h"
#include "journal/summary.h"

namespace folio {
namespace {

constexpr std::size_t kFirstLineBytes = 200;

std::optional<std::string> clean_title(const std::optional<std::string>& title) {
  if (!title) return std::nullopt;
  std::string t = single_line(*title, tr("the title"), kMaxTitleChars);
  if (t.empty()) return std::nullopt;
  return t;
}

std::vector<std::string> clean_tags(const std::vector<std::string>& tags) {
  std::vector<std::string> out;
  for (const auto& t : tags) out.push_back(normalize_tag(t));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void check_body(const std::string& body) {
  check_text_size(body, tr("the entry"));
  require_utf8(body, tr("the entry"));
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(Errc::invalid_argument, tr("the entry is empty; nothing was saved"));
  }
}

}  // namespace

std::vector<std::string> split_tags(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < joined.size()) {
    auto comma = joined.find(',', start);
    if (comma == std::string::npos) comma = joined.size();
    out.push_back(joined.substr(start, comma - start));
    start = comma + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string first_line(const std::string& text) {
  std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return {};
  std::size_t end = text.find_first_of("\r\n", start);
  std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (line.size() > kFirstLineBytes) {
    std::size_t cut = kFirstLineBytes;
    // Back up to the start of a UTF-8 character.
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    line.resize(cut);
  }
  return line;
}

namespace {

// Row id of the entry `id` names (full id or unique prefix).
Error no_entry(const std::string& id) {
  return Error(Errc::not_found, trf("no entry with id '{0}'", id), tr("'folio list' shows the ids"));
}

std::int64_t resolve(Database& db, const std::string& id) {
  check_entry_id(id);
  auto row = find_uid(db, IdTable::entries, id, "entry");
  if (!row) throw no_entry(id);
  return *row;
}

void link_tags(Database& db, std::int64_t entry, const std::vector<std::string>& tags) {
  Statement ins = db.prepare("INSERT OR IGNORE INTO tags(name) VALUES (?1)");
  Statement link = db.prepare(
      "INSERT OR IGNORE INTO entry_tags(entry_id, tag_id) SELECT ?1, id FROM tags WHERE name = ?2");
  for (const auto& t : tags) {
    ins.bind(1, t);
    ins.step();
    ins.reset();
    link.bind(1, entry).bind(2, t);
    link.step();
    link.reset();
  }
}

void drop_unused_tags(Database& db) {
  db.exec("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM entry_tags)");
}

Entry load(Database& db, std::int64_t row) {
  Statement st = db.prepare(
      "SELECT uid, created, updated, title, body, "
      "(SELECT group_concat(t.name, ',') FROM entry_tags et JOIN tags t ON t.id = et.tag_id "
      " WHERE et.entry_id = e.id) FROM entries e WHERE e.id = ?1");
  st.bind(1, row);
  if (!st.step()) throw Error(Errc::not_found, tr("the entry disappeared while reading it"));
  Entry e;
  e.id = st.text(0);
  e.created = parse_utc(st.text(1));
  e.updated = parse_utc(st.text(2));
  if (!st.is_null(3)) e.title = st.text(3);
  e.body = st.text(4);
  e.tags = split_tags(st.text(5));
  return e;
}

}  // namespace

void check_entry_id(const std::string& id) {
  if (id.size() < kMinIdPrefix || id.size() > kIdLength) {
    throw Error(Errc::invalid_argument, trf("'{0}' is not an entry id", id),
                tr("give the id shown by 'folio list', or at least its first 4 characters"));
  }
  if (!looks_like_id(id)) throw no_entry(id);
}

std::string normalize_tag(const std::string& tag) {
  require_utf8(tag, tr("the tag"));
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(tag.data()), static_cast<utf8proc_ssize_t>(tag.size()),
      &out, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
  if (n < 0) throw Error(Errc::invalid_argument, tr("the tag is not valid text"));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
  std::string t(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
  bool has_space = false;
  for (utf8proc_ssize_t pos = 0; pos < static_cast<utf8proc_ssize_t>(t.size());) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(t.data()) + pos,
                                            static_cast<utf8proc_ssize_t>(t.size()) - pos, &cp);
    if (len <= 0) break;
    auto cat = utf8proc_category(cp);
    // Any Unicode space (the ideographic space U+3000 too), line separator or control.
    has_space = has_space || cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
                cat == UTF8PROC_CATEGORY_ZP || cat == UTF8PROC_CATEGORY_CC;
    pos += len;
  }
  if (t.empty() || count_chars(t) > kMaxTagChars || has_space ||
      t.find(',') != std::string::npos) {
    throw Error(Errc::invalid_argument, trf("invalid tag '{0}'", tag),
                tr("a tag is 1 to 64 characters without spaces or commas"));
  }
  return t;
}

namespace {

std::int64_t insert_entry(Database& db, const EntryDraft& draft, Timestamp now) {
  check_body(draft.body);
  auto title = clean_title(draft.title);
  auto tags = clean_tags(draft.tags);
  Timestamp created = draft.created.value_or(now);
  Statement ins = db.prepare(
      "INSERT INTO entries(uid, created, updated, title, body) VALUES (?1, ?2, ?3, ?4, ?5)");
  ins.bind(1, new_uid(db, IdTable::entries)).bind(2, format_utc(created)).bind(3, format_utc(now));
  ins.bind(5, draft.body);
  if (title) ins.bind(4, *title); else ins.bind_null(4);
  ins.step();
  std::int64_t row = db.last_insert_id();
  link_tags(db, row, tags);
  index_entry(db, row);
  return row;
}

}  // namespace

Entry Journal::add(const EntryDraft& draft) {
  Database::Transaction tx(*db_);
  std::int64_t row = insert_entry(*db_, draft, now_utc());
  Entry e = load(*db_, row);
  tx.commit();
  return e;
}

BatchAddResult Journal::add_all(const std::vector<EntryDraft>& drafts, bool dry_run) {
  BatchAddResult result;
  Timestamp now = now_utc();
  Database::Transaction tx(*db_);
  std::set<std::tuple<Timestamp, std::optional<std::string>, std::string>> seen;
  for (const auto& d : drafts) {
    check_body(d.body);
    auto title = clean_title(d.title);
    Timestamp created = d.created.value_or(now);
    Statement st = db_->prepare(
        "SELECT 1 FROM entries WHERE created = ?1 AND body = ?2 AND title IS ?3 LIMIT 1");
    st.bind(1, format_utc(created)).bind(2, d.body);
    if (title) st.bind(3, *title); else st.bind_null(3);
    auto key = std::make_tuple(created, title, d.body);
    if (st.step() || seen.count(key) > 0) {
      ++result.duplicates;
      continue;
    }
    seen.insert(std::move(key));
    if (!dry_run) insert_entry(*db_, d, now);
    ++result.added;
  }
  if (!dry_run) tx.commit();
  return result;
}

EntrySummary read_summary(const Statement& st) {
  EntrySummary s;
  s.id = st.text(0);
  s.created = parse_utc(st.text(1));
  s.updated = parse_utc(st.text(2));
  if (!st.is_null(3)) s.title = st.text(3);
  s.first_line = first_line(st.text(4));
  s.body_chars = static_cast<std::size_t>(st.integer(5));
  s.tags = split_tags(st.text(6));
  return s;
}

Entry Journal::get(const std::string& id) const { return load(*db_, resolve(*db_, id)); }

std::vector<EntrySummary> Journal::list(const EntryFilter& f) const {
  // Two fixed statements: one walks the created index, the other starts from
  // the tag's entries. Both sort newest first and stop at the limit.
  std::string sql = kSummaryColumns;
  if (f.tag) {
    sql += "FROM entry_tags et JOIN entries e ON e.id = et.entry_id "
           "WHERE et.tag_id = (SELECT id FROM tags WHERE name = ?3) AND ";
  } else {
    sql += "FROM entries e WHERE ";
  }
  sql += "e.created >= ?1 AND e.created < ?2 ORDER BY e.created DESC, e.id DESC LIMIT ?4";
  Statement st = db_->prepare(sql);
  st.bind(1, f.since ? format_utc(*f.since) : std::string(""));
  st.bind(2, f.until ? format_utc(*f.until) : std::string("~"));
  if (f.tag) st.bind(3, normalize_tag(*f.tag));
  st.bind(4, f.limit ? static_cast<std::int64_t>(*f.limit) : std::int64_t{-1});
  std::vector<EntrySummary> out;
  while (st.step()) out.push_back(read_summary(st));
  return out;
}

Entry Journal::update(const std::string& id, const EntryDraft& draft) {
  auto e = update_row(id, draft, nullptr);
  return std::move(*e);
}

std::optional<Entry> Journal::update_if_unchanged(const Entry& seen, const EntryDraft& draft) {
  return update_row(seen.id, draft, &seen);
}

std::optional<Entry> Journal::update_row(const std::string& id, const EntryDraft& draft, const Entry* seen) {
  // An entry stored before the size limit keeps its body through a change
  // of title or tags; a new body must fit.
  bool kept_body =
      draft.body.size() > kMaxTextBytes && load(*db_, resolve(*db_, id)).body == draft.body;
  if (!kept_body) check_body(draft.body);
  auto title = clean_title(draft.title);
  auto tags = clean_tags(draft.tags);
  Database::Transaction tx(*db_);
  std::int64_t row = resolve(*db_, id);
  if (seen != nullptr) {
    // Read inside the write's transaction: no other command can change the
    // entry between this look and the UPDATE.
    Entry now = load(*db_, row);
    if (now.updated != seen->updated || now.created != seen->created || now.body != seen->body ||
        now.title != seen->title || now.tags != seen->tags) {
      return std::nullopt;
    }
  }
  // created = coalesce(?5, created): no date given keeps the entry's own.
  Statement up = db_->prepare(
      "UPDATE entries SET title = ?1, body = ?2, updated = ?3, created = coalesce(?5, created) WHERE id = ?4");
  if (title) up.bind(1, *title); else up.bind_null(1);
  up.bind(2, draft.body).bind(3, format_utc(now_utc())).bind(4, row);
  if (draft.created) up.bind(5, format_utc(*draft.created)); else up.bind_null(5);
  up.step();
  Statement unlink = db_->prepare("DELETE FROM entry_tags WHERE entry_id = ?1");
  unlink.bind(1, row);
  unlink.step();
  link_tags(*db_, row, tags);
  drop_unused_tags(*db_);
  index_entry(*db_, row);
  Entry e = load(*db_, row);
  tx.commit();
  return e;
}

void Journal::remove(const std::string& id) {
  Database::Transaction tx(*db_);
  std::int64_t row = resolve(*db_, id);
  unindex_record(*db_, RecordKind::entry, row);
  Statement del = db_->prepare("DELETE FROM entries WHERE id = ?1");
  del.bind(1, row);
  del.step();
  drop_unused_tags(*db_);
  tx.commit();
}

std::vector<TagCount> Journal::tags() const {
  Statement st = db_->prepare(
      "SELECT t.name, count(*) FROM tags t JOIN entry_tags et ON et.tag_id = t.id "
      "GROUP BY t.id ORDER BY t.name");
  std::vector<TagCount> out;
  while (st.step()) out.push_back({st.text(0), static_cast<std::size_t>(st.integer(1))});
  return out;
}

std::size_t Journal::count() const {
  Statement st = db_->prepare("SELECT count(*) FROM entries");
  st.step();
  return static_cast<std::size_t>(st.integer(0));
}

}  // namespace folio
