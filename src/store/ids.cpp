#include "store/ids.h"

#include <span>

#include "crypto/primitives.h"
#include "folio/error.h"
#include "folio/i18n.h"
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

// Ids are shown in lowercase, but a user may type them in capitals (reading
// them aloud, or from a printout): ASCII letters are folded.
std::string folded(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
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

std::string copy_uid(Database& db, IdTable table, const std::string& original) {
  for (int k = 0; k < 64; ++k) {
    // Not a secret: only a way to get the same "random-looking" id twice.
    const std::string seed = "folio copy id\n" + original + "\n" + std::to_string(k);
    auto digest = crypto::blake2b(
        std::span(reinterpret_cast<const std::uint8_t*>(seed.data()), seed.size()), {}, kIdLength);
    std::string id;
    for (std::uint8_t b : digest) id += kIdAlphabet[b & 31u];
    Statement st = db.prepare(exists_sql(table));
    st.bind(1, id);
    if (!st.step()) return id;
  }
  return new_uid(db, table);
}

bool looks_like_id(const std::string& text) {
  if (text.size() < kMinIdPrefix || text.size() > kIdLength) return false;
  for (char c : folded(text)) {
    bool ok = false;
    for (const char* a = kIdAlphabet; *a != '\0'; ++a) ok = ok || (*a == c);
    if (!ok) return false;
  }
  return true;
}

namespace {

// One whole sentence per kind, so that a translation need not paste a noun
// into a sentence.
std::string ambiguous(const std::string& id, std::string_view what) {
  if (what == "entry") return trf("'{0}' matches more than one entry", id);
  if (what == "checklist") return trf("'{0}' matches more than one checklist", id);
  if (what == "item") return trf("'{0}' matches more than one item", id);
  if (what == "attachment") return trf("'{0}' matches more than one attachment", id);
  return trf("'{0}' matches more than one record", id);
}

}  // namespace

std::optional<std::int64_t> find_uid(Database& db, IdTable table, const std::string& id,
                                     const char* what) {
  if (!looks_like_id(id)) return std::nullopt;
  const std::string key = folded(id);
  Statement st = db.prepare(prefix_sql(table));
  st.bind(1, key);
  if (!st.step()) return std::nullopt;
  std::int64_t row = st.integer(0);
  if (st.text(1) != key && st.step()) {
    throw Error(Errc::invalid_argument, ambiguous(id, what), tr("give more characters of the id"));
  }
  return row;
}

std::optional<IdTable> find_any_uid(Database& db, const std::string& id) {
  std::optional<IdTable> found;
  for (IdTable t : {IdTable::entries, IdTable::checklists, IdTable::items, IdTable::attachments}) {
    if (find_uid(db, t, id, "record")) {
      if (found) {
        throw Error(Errc::invalid_argument, ambiguous(id, "record"), tr("give more characters of the id"));
      }
      found = t;
    }
  }
  return found;
}

}  // namespace folio
