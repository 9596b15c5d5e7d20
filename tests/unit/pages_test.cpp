// src/store/pages.h: which rollback journals are damaged. The real ones,
// made by a crash, are in tests/cli/test_damage.py; these are the edges.
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "store/pages.h"
#include "support.h"

using namespace folio;
using folio_test::TempDir;

namespace {

void put32(std::vector<unsigned char>& out, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<unsigned char>(v >> (24 - 8 * i));
}

// A journal of one segment: a 512-byte header promising `promised` records,
// then `held` records of page 1 with their checksums (nonce 7).
std::vector<unsigned char> journal(std::uint32_t promised, std::uint32_t held) {
  std::vector<unsigned char> j(512 + held * (kPageSize + 8), 0);
  const unsigned char magic[8] = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};
  std::copy(std::begin(magic), std::end(magic), j.begin());
  put32(j, 8, promised);
  put32(j, 12, 7);
  put32(j, 16, 3);
  put32(j, 20, 512);
  put32(j, 24, kPageSize);
  for (std::uint32_t r = 0; r < held; ++r) {
    const std::size_t at = 512 + r * (kPageSize + 8);
    put32(j, at, r + 1);
    std::uint32_t sum = 7;
    for (std::size_t i = 1; i < kPageSize; ++i) j[at + 4 + i] = static_cast<unsigned char>(i * 31 + r);
    for (int i = static_cast<int>(kPageSize) - 200; i > 0; i -= 200) sum += j[at + 4 + i];
    put32(j, at + 4 + kPageSize, sum);
  }
  return j;
}

std::filesystem::path write(const TempDir& dir, const std::vector<unsigned char>& bytes) {
  auto file = dir.path() / "data-journal";
  std::ofstream(file, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return file;
}

}  // namespace

TEST_CASE("a missing, empty or never-synced journal is not damage", "[store]") {
  TempDir dir;
  CHECK_FALSE(hot_journal_damage(dir.path() / "data-journal"));
  CHECK_FALSE(hot_journal_damage(write(dir, {})));
  std::vector<unsigned char> unsynced = journal(2, 2);
  std::fill(unsynced.begin(), unsynced.begin() + 12, 0);  // SQLite's header before the sync
  CHECK_FALSE(hot_journal_damage(write(dir, unsynced)));
}

TEST_CASE("a whole journal is not damage", "[store]") {
  TempDir dir;
  CHECK_FALSE(hot_journal_damage(write(dir, journal(2, 2))));
}

TEST_CASE("a journal holding fewer records than its header promises is damage", "[store]") {
  TempDir dir;
  auto j = journal(3, 3);
  j.resize(j.size() - 100);
  auto damage = hot_journal_damage(write(dir, j));
  REQUIRE(damage);
  CHECK(damage->find("2 of the 3") != std::string::npos);
  j.resize(100);  // inside the header's sector
  CHECK(hot_journal_damage(write(dir, j)));
}

TEST_CASE("a journal record that fails its checksum is damage", "[store]") {
  TempDir dir;
  auto j = journal(2, 2);
  j[512 + (kPageSize + 8) + 4 + 96] ^= 1;  // a byte of record 2 the checksum covers
  auto damage = hot_journal_damage(write(dir, j));
  REQUIRE(damage);
  CHECK(damage->find("record 2 of 2") != std::string::npos);
}

TEST_CASE("bytes past a segment's records without the next header are damage", "[store]") {
  TempDir dir;
  auto j = journal(1, 1);
  j.resize(j.size() + 10, 0);
  CHECK(hot_journal_damage(write(dir, j)));
}
