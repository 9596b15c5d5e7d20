// Checklists and items: the rules of the second kind of record.
//
// Invariant: the items of a checklist are numbered 1..n by `position`, with
// no gaps; every write that adds, removes or moves an item keeps it so,
// inside its transaction.
#include <algorithm>

#include "checklist/refs.h"
#include "checklist/templates.h"
#include "folio/checklist.h"
#include "folio/dates.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/limits.h"
#include "folio/text.h"
#include "store/database.h"
#include "store/ids.h"
#include "search/index.h"
#include "journal/summary.h"

namespace folio {
namespace {

std::string clean_line(const std::string& text, const std::string& what) {
  std::string t = single_line(text, what, kMaxNameChars);
  if (t.empty()) throw Error(Errc::invalid_argument, trf("{0} is empty", what));
  return t;
}

std::optional<std::string> clean_text(const std::optional<std::string>& text, const std::string& what) {
  if (!text) return std::nullopt;
  check_text_size(*text, what);
  require_utf8(*text, what);
  if (text->find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  return text;
}

}  // namespace

void check_item_state(const std::string& state) {
  const auto& known = item_states();
  if (std::find(known.begin(), known.end(), state) == known.end()) {
    std::string list;
    for (const auto& s : known) list += (list.empty() ? "" : ", ") + s;
    throw Error(Errc::invalid_argument, trf("unknown state '{0}'", state), trf("the states are: {0}", list));
  }
}

void check_checklist_name(const std::string& name) { clean_line(name, tr("the checklist name")); }
void check_item_title(const std::string& title) { clean_line(title, tr("the item title")); }

namespace {

void check_day(const std::optional<Day>& day) {
  if (day) parse_calendar_day(*day, now_utc());  // throws on an impossible date
}

void bind_opt(Statement& st, int i, const std::optional<std::string>& v) {
  if (v) st.bind(i, *v); else st.bind_null(i);
}

Checklist load_checklist(Database& db, std::int64_t row) {
  Statement st = db.prepare(
      "SELECT c.uid, c.name, c.description, c.target, c.created, c.updated, "
      " (SELECT count(*) FROM items i WHERE i.checklist_id = c.id), "
      " (SELECT count(*) FROM items i WHERE i.checklist_id = c.id AND i.state = 'done'), "
      " (SELECT count(*) FROM items i WHERE i.checklist_id = c.id AND i.state <> 'n/a') "
      "FROM checklists c WHERE c.id = ?1");
  st.bind(1, row);
  if (!st.step()) throw Error(Errc::not_found, tr("the checklist disappeared while reading it"));
  Checklist c;
  c.id = st.text(0);
  c.name = st.text(1);
  if (!st.is_null(2)) c.description = st.text(2);
  if (!st.is_null(3)) c.target = st.text(3);
  c.created = parse_utc(st.text(4));
  c.updated = parse_utc(st.text(5));
  c.items = static_cast<std::size_t>(st.integer(6));
  c.done = static_cast<std::size_t>(st.integer(7));
  c.applicable = static_cast<std::size_t>(st.integer(8));
  return c;
}

constexpr char kItemColumns[] =
    "SELECT i.uid, c.uid, c.name, i.position, i.title, i.state, i.due, i.expires, i.notes, "
    "i.created, i.updated, (SELECT count(*) FROM attachments a WHERE a.item_id = i.id) "
    "FROM items i JOIN checklists c ON c.id = i.checklist_id ";

Item read_item(const Statement& st) {
  Item it;
  it.id = st.text(0);
  it.checklist_id = st.text(1);
  it.checklist_name = st.text(2);
  it.number = static_cast<std::size_t>(st.integer(3));
  it.title = st.text(4);
  it.state = st.text(5);
  if (!st.is_null(6)) it.due = st.text(6);
  if (!st.is_null(7)) it.expires = st.text(7);
  if (!st.is_null(8)) it.notes = st.text(8);
  it.created = parse_utc(st.text(9));
  it.updated = parse_utc(st.text(10));
  it.attachments = static_cast<std::size_t>(st.integer(11));
  return it;
}

Item load_item(Database& db, std::int64_t row) {
  Statement st = db.prepare(std::string(kItemColumns) + "WHERE i.id = ?1");
  st.bind(1, row);
  if (!st.step()) throw Error(Errc::not_found, tr("the item disappeared while reading it"));
  return read_item(st);
}

std::size_t item_count(Database& db, std::int64_t checklist) {
  Statement st = db.prepare("SELECT count(*) FROM items WHERE checklist_id = ?1");
  st.bind(1, checklist);
  st.step();
  return static_cast<std::size_t>(st.integer(0));
}

void touch_checklist(Database& db, std::int64_t checklist) {
  Statement st = db.prepare("UPDATE checklists SET updated = ?1 WHERE id = ?2");
  st.bind(1, format_utc(now_utc())).bind(2, checklist);
  st.step();
}

std::int64_t insert_item(Database& db, std::int64_t checklist, std::size_t position,
                         const ItemDraft& d) {
  Statement ins = db.prepare(
      "INSERT INTO items(uid, checklist_id, position, title, state, due, expires, notes, created, "
      "updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)");
  ins.bind(1, new_uid(db, IdTable::items)).bind(2, checklist);
  ins.bind(3, static_cast<std::int64_t>(position)).bind(4, d.title).bind(5, d.state);
  bind_opt(ins, 6, d.due);
  bind_opt(ins, 7, d.expires);
  bind_opt(ins, 8, d.notes);
  ins.bind(9, format_utc(now_utc()));
  ins.step();
  std::int64_t row = db.last_insert_id();
  index_item(db, row);
  return row;
}

ItemDraft clean_item(const ItemDraft& d) {
  ItemDraft c = d;
  c.title = clean_line(d.title, tr("the item title"));
  check_item_state(c.state);
  check_day(c.due);
  check_day(c.expires);
  c.notes = clean_text(d.notes, tr("the notes"));
  return c;
}

}  // namespace

const std::vector<std::string>& item_states() {
  static const std::vector<std::string> kStates = {
      "needed", "requested", "obtained", "translated", "notarized", "submitted", "done", "n/a"};
  return kStates;
}

Checklist Checklists::create(const ChecklistDraft& draft, const std::optional<std::string>& template_name,
                             const std::string& lang) {
  std::string name = clean_line(draft.name, tr("the checklist name"));
  auto description = clean_text(draft.description, tr("the description"));
  check_day(draft.target);
  std::vector<std::string> titles;
  if (template_name) {
    bool found = false;
    for (const auto& t : builtin_templates()) {
      if (t.name == *template_name || t.name_zh == *template_name) {
        for (const auto& [en, zh] : t.items) {
          // "" follows the message language: the catalogue's translation of
          // the English title (the same Chinese as the table's, when zh_CN).
          titles.push_back(lang == "zh" ? zh : lang.empty() ? std::string(tr(en.c_str())) : en);
        }
        found = true;
      }
    }
    if (!found) {
      Statement st = db_->prepare(
          "SELECT ti.title FROM template_items ti JOIN templates t ON t.id = ti.template_id "
          "WHERE t.name = ?1 ORDER BY ti.position");
      st.bind(1, *template_name);
      while (st.step()) {
        titles.push_back(st.text(0));
        found = true;
      }
      Statement exists = db_->prepare("SELECT 1 FROM templates WHERE name = ?1");
      exists.bind(1, *template_name);
      found = found || exists.step();
    }
    if (!found) {
      throw Error(Errc::not_found, trf("no template named '{0}'", *template_name),
                  tr("'folio template list' shows the templates"));
    }
  }
  Database::Transaction tx(*db_);
  Statement dup = db_->prepare("SELECT 1 FROM checklists WHERE name = ?1");
  dup.bind(1, name);
  if (dup.step()) {
    throw Error(Errc::already_exists, trf("a checklist named '{0}' already exists", name));
  }
  Statement ins = db_->prepare(
      "INSERT INTO checklists(uid, name, description, target, created, updated) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
  ins.bind(1, new_uid(*db_, IdTable::checklists)).bind(2, name);
  bind_opt(ins, 3, description);
  bind_opt(ins, 4, draft.target);
  ins.bind(5, format_utc(now_utc()));
  ins.step();
  std::int64_t row = db_->last_insert_id();
  index_checklist(*db_, row);
  std::size_t pos = 0;
  for (const auto& t : titles) insert_item(*db_, row, ++pos, ItemDraft{t, "needed", {}, {}, {}});
  Checklist c = load_checklist(*db_, row);
  tx.commit();
  return c;
}

std::vector<Checklist> Checklists::list() const {
  Statement st = db_->prepare("SELECT id FROM checklists ORDER BY created, id");
  std::vector<std::int64_t> rows;
  while (st.step()) rows.push_back(st.integer(0));
  std::vector<Checklist> out;
  for (auto r : rows) out.push_back(load_checklist(*db_, r));
  return out;
}

Checklist Checklists::get(const std::string& ref) const {
  return load_checklist(*db_, resolve_checklist(*db_, ref));
}

Checklist Checklists::rename(const std::string& ref, const std::string& new_name) {
  std::string name = clean_line(new_name, tr("the checklist name"));
  Database::Transaction tx(*db_);
  std::int64_t row = resolve_checklist(*db_, ref);
  Statement dup = db_->prepare("SELECT 1 FROM checklists WHERE name = ?1 AND id <> ?2");
  dup.bind(1, name).bind(2, row);
  if (dup.step()) throw Error(Errc::already_exists, trf("a checklist named '{0}' already exists", name));
  Statement up = db_->prepare("UPDATE checklists SET name = ?1, updated = ?2 WHERE id = ?3");
  up.bind(1, name).bind(2, format_utc(now_utc())).bind(3, row);
  up.step();
  index_checklist(*db_, row);
  Checklist c = load_checklist(*db_, row);
  tx.commit();
  return c;
}

void Checklists::remove(const std::string& ref) {
  Database::Transaction tx(*db_);
  std::int64_t row = resolve_checklist(*db_, ref);
  unindex_checklist_children(*db_, row);
  unindex_record(*db_, RecordKind::checklist, row);
  Statement del = db_->prepare("DELETE FROM checklists WHERE id = ?1");
  del.bind(1, row);
  del.step();
  tx.commit();
}

std::vector<Item> Checklists::items(const std::string& checklist_ref) const {
  std::int64_t row = resolve_checklist(*db_, checklist_ref);
  Statement st = db_->prepare(std::string(kItemColumns) + "WHERE i.checklist_id = ?1 ORDER BY i.position");
  st.bind(1, row);
  std::vector<Item> out;
  while (st.step()) out.push_back(read_item(st));
  return out;
}

Item Checklists::add_item(const std::string& checklist_ref, const ItemDraft& draft) {
  ItemDraft d = clean_item(draft);
  Database::Transaction tx(*db_);
  std::int64_t list = resolve_checklist(*db_, checklist_ref);
  std::int64_t row = insert_item(*db_, list, item_count(*db_, list) + 1, d);
  touch_checklist(*db_, list);
  Item it = load_item(*db_, row);
  tx.commit();
  return it;
}

Item Checklists::get_item(const std::string& ref) const {
  return load_item(*db_, resolve_item(*db_, ref));
}

Item Checklists::change_item(const std::string& ref, const ItemChange& ch) {
  Database::Transaction tx(*db_);
  std::int64_t row = resolve_item(*db_, ref);
  Item cur = load_item(*db_, row);
  ItemDraft d{cur.title, cur.state, cur.due, cur.expires, cur.notes};
  if (ch.title) d.title = *ch.title;
  if (ch.state) d.state = *ch.state;
  if (ch.due) d.due = *ch.due;
  if (ch.expires) d.expires = *ch.expires;
  if (ch.notes) d.notes = *ch.notes;
  // A state this folio does not know is kept if the change leaves it alone.
  std::string keep_state = d.state;
  if (!ch.state) d.state = "needed";
  // So are notes stored before the size limit, if the change leaves them alone.
  std::optional<std::string> keep_notes;
  if (!ch.notes && d.notes && d.notes->size() > kMaxTextBytes) keep_notes = std::move(d.notes);
  d = clean_item(d);
  if (!ch.state) d.state = keep_state;
  if (keep_notes) d.notes = std::move(keep_notes);
  Statement up = db_->prepare(
      "UPDATE items SET title = ?1, state = ?2, due = ?3, expires = ?4, notes = ?5, updated = ?6 "
      "WHERE id = ?7");
  up.bind(1, d.title).bind(2, d.state);
  bind_opt(up, 3, d.due);
  bind_opt(up, 4, d.expires);
  bind_opt(up, 5, d.notes);
  up.bind(6, format_utc(now_utc())).bind(7, row);
  up.step();
  index_item(*db_, row);
  Item it = load_item(*db_, row);
  tx.commit();
  return it;
}

void Checklists::remove_item(const std::string& ref) {
  Database::Transaction tx(*db_);
  std::int64_t row = resolve_item(*db_, ref);
  Item it = load_item(*db_, row);
  std::int64_t list = resolve_checklist(*db_, it.checklist_id);
  unindex_item_children(*db_, row);
  unindex_record(*db_, RecordKind::item, row);
  Statement del = db_->prepare("DELETE FROM items WHERE id = ?1");
  del.bind(1, row);
  del.step();
  Statement shift = db_->prepare(
      "UPDATE items SET position = position - 1 WHERE checklist_id = ?1 AND position > ?2");
  shift.bind(1, list).bind(2, static_cast<std::int64_t>(it.number));
  shift.step();
  touch_checklist(*db_, list);
  tx.commit();
}

Item Checklists::move_item(const std::string& ref, const std::optional<std::string>& checklist_ref,
                           std::optional<std::size_t> number) {
  Database::Transaction tx(*db_);
  std::int64_t row = resolve_item(*db_, ref);
  Item it = load_item(*db_, row);
  std::int64_t from = resolve_checklist(*db_, it.checklist_id);
  std::int64_t to = checklist_ref ? resolve_checklist(*db_, *checklist_ref) : from;
  // Take the item out of its list...
  Statement close_gap = db_->prepare(
      "UPDATE items SET position = position - 1 WHERE checklist_id = ?1 AND position > ?2");
  close_gap.bind(1, from).bind(2, static_cast<std::int64_t>(it.number));
  Statement park = db_->prepare("UPDATE items SET position = 0, checklist_id = ?1 WHERE id = ?2");
  park.bind(1, to).bind(2, row);
  park.step();
  close_gap.step();
  // ...and put it in at `number` of the target list.
  std::size_t others = item_count(*db_, to) - 1;
  std::size_t at = number.value_or(others + 1);
  if (at < 1 || at > others + 1) {
    throw Error(Errc::invalid_argument,
                trf("position {0} is outside 1..{1}", at, others + 1));
  }
  Statement open_gap = db_->prepare(
      "UPDATE items SET position = position + 1 WHERE checklist_id = ?1 AND position >= ?2 AND id <> ?3");
  open_gap.bind(1, to).bind(2, static_cast<std::int64_t>(at)).bind(3, row);
  open_gap.step();
  Statement place = db_->prepare("UPDATE items SET position = ?1, updated = ?2 WHERE id = ?3");
  place.bind(1, static_cast<std::int64_t>(at)).bind(2, format_utc(now_utc())).bind(3, row);
  place.step();
  touch_checklist(*db_, from);
  if (to != from) touch_checklist(*db_, to);
  Item moved = load_item(*db_, row);
  tx.commit();
  return moved;
}

std::vector<Deadline> Checklists::deadlines(const Day& today, long within_days) const {
  // Day strings compare as dates. Due dates count until the item is done or
  // n/a; an expiry date counts for every item but n/a (an obtained passport
  // still expires).
  Day limit = today;
  {
    long base = days_between("1970-01-01", today);
    std::time_t t = static_cast<std::time_t>(base + within_days) * 86400 + 43200;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    limit = buf;
  }
  std::vector<Deadline> out;
  Statement due = db_->prepare(std::string(kItemColumns) +
                               "WHERE i.due IS NOT NULL AND i.due <= ?1 AND i.state NOT IN ('done', 'n/a')");
  due.bind(1, limit);
  while (due.step()) {
    Item it = read_item(due);
    Day d = *it.due;
    out.push_back({std::move(it), "due", d, days_between(today, d)});
  }
  Statement exp = db_->prepare(std::string(kItemColumns) +
                               "WHERE i.expires IS NOT NULL AND i.expires <= ?1 AND i.state <> 'n/a'");
  exp.bind(1, limit);
  while (exp.step()) {
    Item it = read_item(exp);
    Day d = *it.expires;
    out.push_back({std::move(it), "expires", d, days_between(today, d)});
  }
  std::stable_sort(out.begin(), out.end(), [](const Deadline& a, const Deadline& b) {
    return a.date != b.date ? a.date < b.date : a.item.checklist_name + a.item.title < b.item.checklist_name + b.item.title;
  });
  return out;
}

std::vector<Template> Checklists::templates() const {
  std::vector<Template> out;
  for (const auto& t : builtin_templates()) {
    Template tpl{t.name, t.name_zh, true, {}};
    for (const auto& [en, zh] : t.items) tpl.items.push_back(en + " / " + zh);
    out.push_back(std::move(tpl));
  }
  Statement st = db_->prepare(
      "SELECT t.name, ti.title FROM templates t LEFT JOIN template_items ti ON ti.template_id = t.id "
      "ORDER BY t.name, ti.position");
  while (st.step()) {
    std::string name = st.text(0);
    if (out.empty() || out.back().builtin || out.back().name != name) out.push_back({name, "", false, {}});
    if (!st.is_null(1)) out.back().items.push_back(st.text(1));
  }
  return out;
}

Template Checklists::save_template(const std::string& checklist_ref, const std::string& name) {
  std::string n = clean_line(name, tr("the template name"));
  for (const auto& t : builtin_templates()) {
    if (t.name == n || t.name_zh == n) {
      throw Error(Errc::already_exists, trf("'{0}' is a built-in template name", n));
    }
  }
  Database::Transaction tx(*db_);
  std::int64_t list = resolve_checklist(*db_, checklist_ref);
  Statement dup = db_->prepare("SELECT 1 FROM templates WHERE name = ?1");
  dup.bind(1, n);
  if (dup.step()) throw Error(Errc::already_exists, trf("a template named '{0}' already exists", n));
  Statement ins = db_->prepare("INSERT INTO templates(name, created) VALUES (?1, ?2)");
  ins.bind(1, n).bind(2, format_utc(now_utc()));
  ins.step();
  std::int64_t tpl = db_->last_insert_id();
  Statement copy = db_->prepare(
      "INSERT INTO template_items(template_id, position, title) "
      "SELECT ?1, position, title FROM items WHERE checklist_id = ?2");
  copy.bind(1, tpl).bind(2, list);
  copy.step();
  tx.commit();
  for (auto& t : templates()) {
    if (!t.builtin && t.name == n) return t;
  }
  return {n, "", false, {}};
}

void Checklists::remove_template(const std::string& name) {
  for (const auto& t : builtin_templates()) {
    if (t.name == name || t.name_zh == name) {
      throw Error(Errc::refused, trf("'{0}' is a built-in template; built-in templates cannot be deleted", name),
                  tr("'folio template list' marks the saved ones; 'folio template rm' deletes those"));
    }
  }
  Database::Transaction tx(*db_);
  Statement del = db_->prepare("DELETE FROM templates WHERE name = ?1");
  del.bind(1, name);
  del.step();
  if (db_->changes() == 0) throw Error(Errc::not_found, trf("no saved template named '{0}'", name));
  tx.commit();
}

void Checklists::link_entry(const std::string& entry_id, const std::string& item_ref) {
  Database::Transaction tx(*db_);
  std::int64_t item = resolve_item(*db_, item_ref);
  auto entry = find_uid(*db_, IdTable::entries, entry_id, "entry");
  if (!entry) throw Error(Errc::not_found, trf("no entry with id '{0}'", entry_id));
  Statement ins = db_->prepare("INSERT OR IGNORE INTO entry_items(entry_id, item_id) VALUES (?1, ?2)");
  ins.bind(1, *entry).bind(2, item);
  ins.step();
  tx.commit();
}

std::vector<EntrySummary> Checklists::linked_entries(const std::string& item_ref) const {
  std::int64_t item = resolve_item(*db_, item_ref);
  Statement st = db_->prepare(std::string(kSummaryColumns) +
                              "FROM entry_items ei JOIN entries e ON e.id = ei.entry_id "
                              "WHERE ei.item_id = ?1 ORDER BY e.created DESC, e.id DESC");
  st.bind(1, item);
  std::vector<EntrySummary> out;
  while (st.step()) out.push_back(read_summary(st));
  return out;
}

}  // namespace folio
