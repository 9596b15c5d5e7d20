// What 'folio check' verifies of a vault's database, in one place.
#pragma once

#include "folio/secret.h"
#include "store/database.h"

namespace folio {

// Every page of the file authenticated (free pages too) and the file's size
// matching its header (Database::verify_pages), then SQLite's structure
// check (integrity_check: b-trees, indexes, the freelist's trunk pages).
// `key` is the raw database key `db` was opened with. Error(corrupt) naming
// the first problem.
void check_database(Database& db, const Secret& key);

}  // namespace folio
