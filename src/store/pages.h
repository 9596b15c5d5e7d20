// The SQLCipher 3 page format and SQLite's rollback journal, read from the
// disk by folio itself, for damage that SQLite's own reading never sees: a
// free page (never read), pages past the end the header records (never
// read), a file size that is not a whole number of pages, and a hot journal
// cut short (played back as far as it goes, then deleted, without a word).
// docs/FORMAT.md ("Pages", "The rollback journal") describes both formats.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "folio/secret.h"

namespace folio {

inline constexpr std::uint32_t kPageSize = 4096;

// SQLCipher 3.4's page under folio's settings (docs/FORMAT.md, "Pages"):
// each page ends in a reserve of 48 bytes, the IV (16), the HMAC-SHA1 (20)
// and 12 bytes of random filler that nothing reads or authenticates. Page 1
// starts with the file's 16-byte salt, outside the ciphertext.
inline constexpr std::size_t kPageSaltSize = 16;
inline constexpr std::size_t kPageReserve = 48;
inline constexpr std::size_t kPageIvOffset = kPageSize - kPageReserve;  // 4048
inline constexpr std::size_t kPageIvSize = 16;
inline constexpr std::size_t kPageMacOffset = kPageIvOffset + kPageIvSize;  // 4064
inline constexpr std::size_t kPageMacSize = 20;
using PageMac = std::array<unsigned char, kPageMacSize>;

// SQLCipher 3's HMAC key for a file whose salt is `salt` (kPageSaltSize
// bytes): PBKDF2-HMAC-SHA1 of the raw 32-byte key, 2 iterations, over the
// salt with each byte XORed with 0x3a. Error(internal) if OpenSSL fails.
Secret page_hmac_key(const Secret& key, const unsigned char* salt);

// The HMAC-SHA1 that SQLCipher 3 stores at kPageMacOffset of page `number`
// (`page` is the whole page as on disk): over the ciphertext and the IV,
// then the page number, 4 bytes little-endian.
PageMac page_mac(const Secret& hmac_key, const unsigned char* page, std::uint32_t number);

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
