// folio/journal.h: journal entries, the first kind of record in a vault.
//
// A Journal is a view over an open Vault's database (it does not own it; keep
// the Vault alive while you use it). Every write is one transaction: it
// happens whole or not at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace folio {

class Database;

// Seconds since the Unix epoch, UTC.
using Timestamp = std::int64_t;

struct Entry {
  std::string id;                    // short, stable: 8 characters of [0-9a-z]
  Timestamp created = 0;
  Timestamp updated = 0;
  std::optional<std::string> title;  // absent when the user gave none
  std::vector<std::string> tags;     // sorted, normalised (see normalize_tag)
  std::string body;                  // UTF-8, any length
};

// What a new entry or an edit says. Text must be valid UTF-8, else
// Error(invalid_argument).
struct EntryDraft {
  std::optional<std::string> title;
  std::vector<std::string> tags;
  std::string body;
  std::optional<Timestamp> created;  // add: default now; update: default the entry's own
};

struct EntryFilter {
  std::optional<std::string> tag;
  std::optional<Timestamp> since;    // inclusive
  std::optional<Timestamp> until;    // exclusive
  std::optional<std::size_t> limit;  // newest first
};

// A line of `list`: everything but the body, plus its first line.
struct EntrySummary {
  std::string id;
  Timestamp created = 0;
  Timestamp updated = 0;
  std::optional<std::string> title;
  std::vector<std::string> tags;
  std::string first_line;            // of the body, at most 200 bytes, whole characters
  std::size_t body_chars = 0;        // Unicode code points
};

// What Journal::add_all did.
struct BatchAddResult {
  std::size_t added = 0;
  std::size_t duplicates = 0;  // already in the vault (same created, title and body)
};

struct TagCount {
  std::string name;
  std::size_t entries = 0;
};

class Journal {
 public:
  explicit Journal(Database& db) : db_(&db) {}

  // Stores a new entry; returns it with its id and times.
  Entry add(const EntryDraft& draft);

  // Adds every draft in ONE transaction: all of them or, on any error, none.
  // A draft whose created time, title and body equal an entry already in the
  // vault (or an earlier draft's) is skipped, so adding the same drafts twice
  // adds nothing the second time. With dry_run it only counts.
  BatchAddResult add_all(const std::vector<EntryDraft>& drafts, bool dry_run = false);

  // The entry whose id is `id` or starts with `id` (at least 4 characters,
  // unique). Error(not_found) if none, Error(invalid_argument) if ambiguous.
  Entry get(const std::string& id) const;

  // Newest first.
  std::vector<EntrySummary> list(const EntryFilter& filter = {}) const;

  // Replaces title, tags and body of an entry, and its created time when
  // draft.created is set (nullopt keeps it: an edit does not move the entry
  // unless asked to); `updated` becomes now. list() then places the entry by
  // its new created time.
  Entry update(const std::string& id, const EntryDraft& draft);

  // As update(), but only while the entry is still as `seen` was read (its
  // title, tags, body, created and `updated` times, compared inside the
  // write's transaction): nullopt, writing nothing, when another command
  // changed it since. Error(not_found) when it was removed. For an edit that took a
  // while (the editor), so that one of two concurrent edits is not lost.
  std::optional<Entry> update_if_unchanged(const Entry& seen, const EntryDraft& draft);

  // Removes an entry, its tag links, and tags no other entry uses.
  // secure_delete zeroes the freed space inside the database.
  void remove(const std::string& id);

  std::vector<TagCount> tags() const;

  std::size_t count() const;

 private:
  std::optional<Entry> update_row(const std::string& id, const EntryDraft& draft, const Entry* seen);
  Database* db_;
};

// Lower-cases (Unicode case folding, NFC) and checks a tag: 1 to 64 characters,
// no white space, no comma. Error(invalid_argument) otherwise.
std::string normalize_tag(const std::string& tag);

// Checks, without a vault, that `id` could name an entry (an id or a prefix
// of 4+ characters, any case), throwing what Journal::get would:
// Error(invalid_argument) for a wrong length, Error(not_found) otherwise.
void check_entry_id(const std::string& id);

}  // namespace folio
