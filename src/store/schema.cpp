#include "store/schema.h"

#include <string>

#include "folio/error.h"

namespace folio {
namespace {

// Version 1: journal entries and tags.
constexpr char kVersion1[] = R"sql(
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
)sql";

// Version 2: checklists, items, attachments, templates, entry-item links.
constexpr char kVersion2[] = R"sql(
  CREATE TABLE checklists (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL UNIQUE,
    description TEXT,
    target      TEXT,
    created     TEXT NOT NULL,
    updated     TEXT NOT NULL
  );
  CREATE TABLE items (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,
    checklist_id INTEGER NOT NULL REFERENCES checklists(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    title        TEXT NOT NULL,
    state        TEXT NOT NULL,
    due          TEXT,
    expires      TEXT,
    notes        TEXT,
    created      TEXT NOT NULL,
    updated      TEXT NOT NULL
  );
  CREATE INDEX items_by_checklist ON items(checklist_id, position);
  CREATE INDEX items_by_due ON items(due);
  CREATE INDEX items_by_expires ON items(expires);
  CREATE TABLE attachments (
    id         INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE,
    item_id    INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size       INTEGER NOT NULL,
    blake2b    TEXT NOT NULL,
    created    TEXT NOT NULL
  );
  CREATE INDEX attachments_by_item ON attachments(item_id);
  CREATE TABLE attachment_chunks (
    id            INTEGER PRIMARY KEY,
    attachment_id INTEGER NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    data          BLOB NOT NULL
  );
  CREATE UNIQUE INDEX chunks_by_attachment ON attachment_chunks(attachment_id, seq);
  CREATE TABLE entry_items (
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    item_id  INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    PRIMARY KEY (entry_id, item_id)
  ) WITHOUT ROWID;
  CREATE INDEX entry_items_by_item ON entry_items(item_id, entry_id);
  CREATE TABLE templates (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL
  );
  CREATE TABLE template_items (
    template_id INTEGER NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    PRIMARY KEY (template_id, position)
  ) WITHOUT ROWID;
  PRAGMA user_version = 2;
)sql";

// Version 3: the search index. folio's own terms (see src/search/tokenize.h),
// space-separated; the simple tokenizer only splits them at the spaces. The
// docid is the record's rowid * 4 + its kind (0 entry, 1 checklist, 2 item,
// 3 attachment).
constexpr char kVersion3[] = R"sql(
  CREATE VIRTUAL TABLE search USING fts4(terms, tokenize=simple);
  PRAGMA user_version = 3;
)sql";

// Version 4: count terms in the index (the same table; folio fills them when
// it rebuilds the index, which the upgrade does), and search_vocab, FTS4's
// read-only view of the index's terms, through which a one-word search
// finds the records that hold the word most.
constexpr char kVersion4[] = R"sql(
  CREATE VIRTUAL TABLE search_vocab USING fts4aux(search);
  PRAGMA user_version = 4;
)sql";

// kSteps[v] brings a database from version v to v + 1.
constexpr const char* kSteps[] = {kVersion1, kVersion2, kVersion3, kVersion4};
static_assert(sizeof kSteps / sizeof kSteps[0] == kSchemaVersion);

int schema_version(Database& db) { return std::stoi(db.query_text("PRAGMA user_version")); }

void upgrade_from(Database& db, int version, const AfterUpgrade& after) {
  Database::Transaction tx(db);
  // Read again under SQLite's write lock (BEGIN IMMEDIATE): two commands
  // that found the same old schema upgrade it once; the second, which
  // waited here for the first, finds it done. SQLite's lock is the whole
  // exclusion an upgrade needs: it is one transaction of the database, and
  // touches neither the header nor the file's name, which is what folio's
  // folder lock guards (src/vault/lock.h).
  version = schema_version(db);
  if (version >= kSchemaVersion) return;
  for (int v = version; v < kSchemaVersion; ++v) db.exec(kSteps[v]);
  if (after) after(version);
  tx.commit();
}

}  // namespace

void create_schema(Database& db) { upgrade_from(db, 0, {}); }

void check_schema(Database& db, const AfterUpgrade& after) {
  int version = schema_version(db);
  if (version > kSchemaVersion) {
    throw Error(Errc::unsupported_version,
                "this vault was made by a newer version of folio (schema " +
                    std::to_string(version) + ")",
                "upgrade folio to open it");
  }
  if (version < 1) {
    throw Error(Errc::corrupt, "the vault database has no folio schema",
                "restore the vault folder from a backup");
  }
  // An older vault is upgraded in one transaction: all of it or none.
  if (version < kSchemaVersion) upgrade_from(db, version, after);
}

}  // namespace folio
