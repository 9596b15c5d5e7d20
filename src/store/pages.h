// The SQLCipher 3 page format and SQLite's rollback journal, read from the
// disk by folio itself, for damage that SQLite's own reading never sees: a
// free page (never read), pages past the end the header records (never
// read), a file size that is not a whole number of pages, and a hot journal
// cut short (played back as far as it goes, then deleted, without a word).
// docs/FORMAT.md ("Pages", "The rollback journal") describes both formats.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace folio {

inline constexpr std::uint32_t kPageSize = 4096;

// What is wrong with a hot journal, or nothing when it is absent, not hot
// (its header was never completed, so nothing of the database was changed
// yet) or whole: every segment SQLite would play back is there to the last
// byte and every record's checksum holds. Reads only; the caller decides.
// A journal cut exactly at a segment's end cannot be told from a whole one.
// Needs no lock: a journal that another process is still writing never
// looks damaged, because SQLite fills in a segment's header only once its
// records are synced, and writes no page of the database before that.
std::optional<std::string> hot_journal_damage(const std::filesystem::path& journal);

}  // namespace folio
