// The database schema and its version (PRAGMA user_version). docs/FORMAT.md
// holds the same SQL; a change here is a change there and a new version.
#pragma once

#include <functional>

#include "store/database.h"

namespace folio {

inline constexpr int kSchemaVersion = 5;

// Runs inside the upgrade's transaction, with the version upgraded from, for
// steps SQL alone cannot do (filling the search index).
using AfterUpgrade = std::function<void(int from_version)>;

// Creates the schema in an empty database.
void create_schema(Database& db);

// Checks the schema version of an existing database and upgrades an older one:
// Error(unsupported_version)
// if newer, Error(corrupt) if it is not a folio database.
void check_schema(Database& db, const AfterUpgrade& after);

}  // namespace folio
