#include "store/schema.h"

#include <iterator>
#include <set>
#include <string>

#include "folio/error.h"
#include "folio/i18n.h"

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

// Version 5: a postings index in place of FTS4 (docs/FORMAT.md, "Schema
// version 5"), so that removing a record deletes its own postings and
// nothing else is rewritten. The upgrade drops the FTS4 tables (with
// secure_delete their pages are zeroed) and rebuilds the index from the
// records (AfterUpgrade).
constexpr char kVersion5[] = R"sql(
  DROP TABLE search_vocab;
  DROP TABLE search;
  CREATE TABLE search_docs (
    docid   INTEGER PRIMARY KEY,
    terms   TEXT NOT NULL,
    pending INTEGER NOT NULL
  );
  CREATE INDEX search_docs_pending ON search_docs(docid) WHERE pending = 1;
  CREATE TABLE search_terms (
    id   INTEGER PRIMARY KEY,
    term TEXT NOT NULL UNIQUE,
    docs INTEGER NOT NULL
  );
  CREATE TABLE search_postings (
    term_id INTEGER NOT NULL,
    hits    INTEGER NOT NULL,
    docid   INTEGER NOT NULL,
    pos     BLOB NOT NULL,
    PRIMARY KEY (term_id, hits DESC, docid DESC)
  ) WITHOUT ROWID;
  CREATE TABLE search_stats (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    docs INTEGER NOT NULL
  );
  INSERT INTO search_stats(id, docs) VALUES (1, 0);
  PRAGMA user_version = 5;
)sql";

// kSteps[v] brings a database from version v to v + 1.
constexpr const char* kSteps[] = {kVersion1, kVersion2, kVersion3, kVersion4, kVersion5};
static_assert(sizeof kSteps / sizeof kSteps[0] == kSchemaVersion);

// The tables of each version: those it adds and those it drops, FTS4's own
// shadow tables included.
constexpr const char* kTables1[] = {"entries", "tags", "entry_tags"};
constexpr const char* kTables2[] = {"checklists", "items", "attachments", "attachment_chunks",
                                    "entry_items", "templates", "template_items"};
constexpr const char* kTables3[] = {"search", "search_content", "search_segments", "search_segdir",
                                    "search_docsize", "search_stat"};
constexpr const char* kTables4[] = {"search_vocab"};
constexpr const char* kTables5[] = {"search_docs", "search_terms", "search_postings", "search_stats"};
struct Tables {
  const char* const* names;
  std::size_t count;
  int dropped_in;  // the version that drops them; 0 if none has
};
constexpr Tables kTablesOf[] = {{kTables1, std::size(kTables1), 0},
                                {kTables2, std::size(kTables2), 0},
                                {kTables3, std::size(kTables3), 5},
                                {kTables4, std::size(kTables4), 5},
                                {kTables5, std::size(kTables5), 0}};
static_assert(sizeof kTablesOf / sizeof kTablesOf[0] == kSchemaVersion);

// user_version and the tables are written together, so they disagree only
// in a damaged (or hand-edited) file. An upgrade run over tables that are
// already there would fail half-way with SQLite's "table ... already
// exists"; code run over tables that are missing, with "no such table".
void require_tables_of(Database& db, int version) {
  std::set<std::string> present;
  Statement st = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'");
  while (st.step()) present.insert(st.text(0));
  for (int v = 1; v <= kSchemaVersion; ++v) {
    const Tables& t = kTablesOf[v - 1];
    const bool belongs = v <= version && (t.dropped_in == 0 || version < t.dropped_in);
    for (std::size_t i = 0; i < t.count; ++i) {
      const bool there = present.count(t.names[i]) != 0;
      if (belongs && !there) {
        throw Error(Errc::corrupt,
                    trf("the vault database is damaged: its schema version is {0}, but the table '{1}' of "
                        "schema {2} is missing",
                        version, t.names[i], v),
                    tr("restore the vault folder from a backup"));
      }
      if (!belongs && there) {
        throw Error(Errc::corrupt,
                    v <= version
                        ? trf("the vault database is damaged: its schema version is {0}, but it holds the table "
                              "'{1}' that schema {2} dropped",
                              version, t.names[i], t.dropped_in)
                        : trf("the vault database is damaged: its schema version is {0}, but it holds the table "
                              "'{1}' of schema {2}",
                              version, t.names[i], v),
                    tr("restore the vault folder from a backup"));
      }
    }
  }
}

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
                trf("this vault was made by a newer version of folio (schema {0})", version),
                tr("upgrade folio to open it"));
  }
  if (version < 1) {
    throw Error(Errc::corrupt, tr("the vault database has no folio schema"),
                tr("restore the vault folder from a backup"));
  }
  require_tables_of(db, version);
  // An older vault is upgraded in one transaction: all of it or none. Its
  // SQL is fixed and ran on the tables just checked: an SQL error from it
  // means a database unlike what its version says, not a bug here.
  if (version < kSchemaVersion) {
    try {
      upgrade_from(db, version, after);
    } catch (const Error& e) {
      if (e.code() != Errc::internal) throw;
      // TRANSLATORS: {1} is the reason, an internal (English) message.
      throw Error(Errc::corrupt,
                  trf("the vault database is damaged: upgrading its schema from version {0} failed ({1})", version,
                      e.what()),
                  tr("restore the vault folder from a backup"));
    }
  }
}

}  // namespace folio
