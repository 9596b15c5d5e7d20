#include "store/schema.h"

#include <string>

#include "folio/error.h"

namespace folio {

void create_schema(Database& db) {
  Database::Transaction tx(db);
  db.exec(R"sql(
    CREATE TABLE entries (
      id      INTEGER PRIMARY KEY,
      uid     TEXT NOT NULL UNIQUE,
      created TEXT NOT NULL,
      updated TEXT NOT NULL,
      title   TEXT,
      body    TEXT NOT NULL
    );
    CREATE INDEX entries_by_created ON entries(created, id);
    CREATE TABLE tags (
      id   INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE
    );
    CREATE TABLE entry_tags (
      entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
      tag_id   INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
      PRIMARY KEY (entry_id, tag_id)
    ) WITHOUT ROWID;
    CREATE INDEX entry_tags_by_tag ON entry_tags(tag_id, entry_id);
    PRAGMA user_version = 1;
  )sql");
  tx.commit();
}

void check_schema(Database& db) {
  long version = std::stol(db.query_text("PRAGMA user_version"));
  if (version > kSchemaVersion) {
    throw Error(Errc::unsupported_version,
                "this vault was made by a newer version of folio (schema " +
                    std::to_string(version) + ")",
                "upgrade folio to open it");
  }
  if (version != kSchemaVersion) {
    throw Error(Errc::corrupt, "the vault database has no folio schema",
                "restore the vault folder from a backup");
  }
}

}  // namespace folio
