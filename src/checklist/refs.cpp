#include "checklist/refs.h"

#include <charconv>

#include "folio/error.h"
#include "store/ids.h"

namespace folio {

std::int64_t resolve_checklist(Database& db, const std::string& ref) {
  if (auto row = find_uid(db, IdTable::checklists, ref, "checklist")) return *row;
  Statement st = db.prepare("SELECT id FROM checklists WHERE name = ?1");
  st.bind(1, ref);
  if (st.step()) return st.integer(0);
  throw Error(Errc::not_found, "no checklist '" + ref + "'", "'folio checklist list' shows them");
}

std::int64_t resolve_item(Database& db, const std::string& ref) {
  if (auto row = find_uid(db, IdTable::items, ref, "item")) return *row;
  // CHECKLIST:N — the last colon, so that a checklist name may contain one.
  auto colon = ref.rfind(':');
  if (colon != std::string::npos && colon > 0) {
    std::string number = ref.substr(colon + 1);
    long n = 0;
    auto r = std::from_chars(number.data(), number.data() + number.size(), n);
    if (r.ec == std::errc() && r.ptr == number.data() + number.size() && n > 0) {
      std::int64_t list = resolve_checklist(db, ref.substr(0, colon));
      Statement st = db.prepare("SELECT id FROM items WHERE checklist_id = ?1 AND position = ?2");
      st.bind(1, list).bind(2, static_cast<std::int64_t>(n));
      if (st.step()) return st.integer(0);
      throw Error(Errc::not_found, "checklist '" + ref.substr(0, colon) + "' has no item " + number);
    }
  }
  throw Error(Errc::not_found, "no item '" + ref + "'",
              "name an item by its id or as CHECKLIST:NUMBER, e.g. visa:3");
}

std::int64_t resolve_attachment(Database& db, const std::string& ref) {
  if (auto row = find_uid(db, IdTable::attachments, ref, "attachment")) return *row;
  throw Error(Errc::not_found, "no attachment '" + ref + "'",
              "'folio attachments ITEM' shows the attachment ids");
}

}  // namespace folio
