// Short random ids ("3k9x2m7a") and finding a row by an id or a prefix of it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/database.h"

namespace folio {

inline constexpr std::size_t kIdLength = 8;
inline constexpr std::size_t kMinIdPrefix = 4;

// The tables that have a `uid` column.
enum class IdTable { entries, checklists, items, attachments };

// A new id not yet used in `table`.
std::string new_uid(Database& db, IdTable table);

// The id a copy of the record `original` gets (an import's conflict copy):
// the first unused of a fixed sequence of ids derived from `original`, so that
// `import --dry-run` shows the id the import then uses on the same vault.
std::string copy_uid(Database& db, IdTable table, const std::string& original);

// True if `text` could be an id or an id prefix (4 to 8 id characters).
bool looks_like_id(const std::string& text);

// Row id for the uid `id` or a unique prefix of it; nullopt if none.
// Error(invalid_argument) if the prefix is ambiguous. `what` names the kind
// of record in the message: "entry", "checklist", "item", "attachment" or
// "record" (each has its own translated sentence).
std::optional<std::int64_t> find_uid(Database& db, IdTable table, const std::string& id,
                                     const char* what);

// Which table holds the uid `id` (or a unique prefix of it): nullopt if none;
// Error(invalid_argument) if it is ambiguous within or across tables.
std::optional<IdTable> find_any_uid(Database& db, const std::string& id);

}  // namespace folio
