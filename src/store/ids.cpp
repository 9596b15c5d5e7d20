#include "store/ids.h"

#include "folio/error.h"
#include "folio/secret.h"

namespace folio {
namespace {

constexpr char kIdAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";  // 32: 5 bits a character

const char* exists_sql(IdTable t) {
  switch (t) {
    case IdTable::entries: return "SELECT 1 FROM entries WHERE uid = ?1";
    case IdTable::checklists: return "SELECT 1 FROM checklists WHERE uid = ?1";
    case IdTable::items: return "SELECT 1 FROM items WHERE uid = ?1";
    case IdTable::attachments: return "SELECT 1 FROM attachments WHERE uid = ?1";
  }
  return "";
}

const char* prefix_sql(IdTable t) {
  switch (t) {
    case IdTable::entries:
      return "SELECT id, uid FROM entries WHERE uid >= ?1 AND uid < ?1 || '~' ORDER BY uid LIMIT 2";
    case IdTable::checklists:
      return "SELECT id, uid FROM checklists WHERE uid >= ?1 AND uid < ?1 || '~' ORDER BY uid LIMIT 2";
    case IdTable::items:
      return "SELECT id, uid FROM items WHERE uid >= ?1 AND uid < ?1 || '~' ORDER BY uid LIMIT 2";
    case IdTable::attachments:
      return "SELECT id, uid FROM attachments WHERE uid >= ?1 AND uid < ?1 || '~' ORDER BY uid LIMIT 2";
  }
  return "";
}

}  // namespace

std::string new_uid(Database& db, IdTable table) {
  for (int attempt = 0; attempt < 32; ++attempt) {
    std::uint8_t r[kIdLength];
    random_bytes(r, sizeof r);
    std::string id;
    for (std::uint8_t b : r) id += kIdAlphabet[b & 31u];
    Statement st = db.prepare(exists_sql(table));
    st.bind(1, id);
    if (!st.step()) return id;
  }
  throw Error(Errc::internal, "could not find a free id");
}

bool looks_like_id(const std::string& text) {
  if (text.size() < kMinIdPrefix || text.size() > kIdLength) return false;
  for (char c : text) {
    bool ok = false;
    for (const char* a = kIdAlphabet; *a != '\0'; ++a) ok = ok || (*a == c);
    if (!ok) return false;
  }
  return true;
}

std::optional<std::int64_t> find_uid(Database& db, IdTable table, const std::string& id,
                                     const char* what) {
  if (!looks_like_id(id)) return std::nullopt;
  Statement st = db.prepare(prefix_sql(table));
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  std::int64_t row = st.integer(0);
  if (st.text(1) != id && st.step()) {
    throw Error(Errc::invalid_argument,
                "'" + id + "' matches more than one " + std::string(what),
                "give more characters of the id");
  }
  return row;
}

std::optional<IdTable> find_any_uid(Database& db, const std::string& id) {
  std::optional<IdTable> found;
  for (IdTable t : {IdTable::entries, IdTable::checklists, IdTable::items, IdTable::attachments}) {
    if (find_uid(db, t, id, "record")) {
      if (found) {
        throw Error(Errc::invalid_argument, "'" + id + "' matches more than one record",
                    "give more characters of the id");
      }
      found = t;
    }
  }
  return found;
}

}  // namespace folio
