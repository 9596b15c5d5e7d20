// Resolving what users type to name a checklist, an item or an attachment.
#pragma once

#include <cstdint>
#include <string>

#include "store/database.h"

namespace folio {

// An id (or unique prefix), else an exact name. Error(not_found).
std::int64_t resolve_checklist(Database& db, const std::string& ref);
// An id (or unique prefix), or "CHECKLIST:N". Error(not_found).
std::int64_t resolve_item(Database& db, const std::string& ref);
std::int64_t resolve_attachment(Database& db, const std::string& ref);

}  // namespace folio
