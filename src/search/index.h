// Keeping the search index in step with the records. Called by the journal and
// checklist code inside their own transactions, so that a record and its
// index terms are written, changed and removed together.
#pragma once

#include <cstdint>
#include <string>

#include "folio/search.h"
#include "store/database.h"

namespace folio {

// The search docid of a record: rowid * 4 + kind.
inline std::int64_t search_docid(RecordKind kind, std::int64_t row) {
  return row * 4 + static_cast<std::int64_t>(kind);
}

// (Re)indexes one record from its text (title, body, tags... joined by newlines).
// Removing a record's index rows deletes its postings and the terms no other
// record holds; with secure_delete on, no removed term is left in the file.
void index_record(Database& db, RecordKind kind, std::int64_t row, const std::string& text);
void unindex_record(Database& db, RecordKind kind, std::int64_t row);

// Index rows of an entry, a checklist, an item, an attachment, read from the
// database (after the record's row has been written).
void index_entry(Database& db, std::int64_t row);
void index_checklist(Database& db, std::int64_t row);
void index_item(Database& db, std::int64_t row);
void index_attachment(Database& db, std::int64_t row);

// Removes the index rows of a checklist's items and attachments, or of an
// item's attachments (before the cascade deletes the records).
void unindex_checklist_children(Database& db, std::int64_t checklist_row);
void unindex_item_children(Database& db, std::int64_t item_row);

}  // namespace folio
