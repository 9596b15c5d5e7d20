// folio/search.h: full-text search inside the encrypted database, Chinese
// included, without decrypting anything outside SQLCipher.
//
// folio tokenizes text itself, the same way when indexing and when querying,
// and keeps its own postings of the terms (see docs/FORMAT.md, "Schema
// version 3" and "Schema version 5"): NFKC with case folding; Latin words;
// and for every run of CJK characters, each character and each pair of
// neighbours, so that any substring of a run is found as a phrase.
//
//   folio::Search search = vault.search();
//   for (const auto& hit : search.find("签证 interview", {})) ...
//
// Query syntax: words (all must match), "a phrase", a OR b, -excluded,
// prefix*. A query with nothing to look for is Error(invalid_argument).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "folio/journal.h"

namespace folio {

class Database;

// Told how far a long task has come: `done` of `total` units (bytes, or
// records). The same type as in folio/checklist.h.
using Progress = std::function<void(std::uint64_t done, std::uint64_t total)>;

enum class RecordKind { entry = 0, checklist = 1, item = 2, attachment = 3 };

// "entry", "checklist", "item", "attachment".
const char* to_string(RecordKind kind) noexcept;

struct SearchOptions {
  bool entries = true;       // entries only: set the others false
  bool checklists = true;    // checklists, items and attachment names
  // These apply to entries; giving any of them leaves out other records.
  std::optional<std::string> tag;
  std::optional<Timestamp> since;
  std::optional<Timestamp> until;
  std::size_t limit = 20;
  // Whether to compute SearchHit::score. Without it the hits and their order
  // are the same, and a one-word search need not read every record that
  // holds the word (the score needs their number).
  bool scores = true;
};

struct SearchHit {
  RecordKind kind = RecordKind::entry;
  std::string id;            // the record's id (for an attachment, the attachment id)
  std::string title;         // title, name, or an entry's first line
  std::string context;       // for items: "CHECKLIST:N"; for attachments: the item
  Timestamp created = 0;
  std::string snippet;       // text around the first hit, one line
  std::size_t match_start = 0;   // byte offset of the hit in `snippet`
  std::size_t match_length = 0;  // bytes (0 if the hit could not be located)
  double score = 0;          // higher is better; 0 unless SearchOptions::scores
};

class Search {
 public:
  explicit Search(Database& db) : db_(&db) {}

  // Ranked hits, best first.
  std::vector<SearchHit> find(const std::string& query, const SearchOptions& options) const;

  // Rebuilds the whole index from the records, in one transaction.
  // Returns the number of records indexed. `progress`, if set, is told the
  // records indexed of all of them: at most about 1000 times whatever the
  // vault's size (the first with done == 0, the last with done == total,
  // after the last postings are written; once, 0 of 0, when there is no
  // record), so a caller may redraw at each call.
  std::size_t rebuild(const Progress& progress = {});
  // The same, inside a transaction the caller holds (schema upgrades).
  std::size_t rebuild_in_transaction(const Progress& progress = {});

 private:
  Database* db_;
};

// Checks a query's syntax without a vault (before the passphrase): throws
// what Search::find would, Error(invalid_argument) for an unclosed quote, an
// OR without a word on each side, or no word to look for.
void check_query(const std::string& query);

// The index terms of `text`, space-separated, as stored (for tests and the
// format document).
std::string search_terms(std::string_view text);

}  // namespace folio
