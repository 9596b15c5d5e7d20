#include "store/pages.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "folio/error.h"
#include "folio/i18n.h"
#include "store/database.h"

namespace folio {
namespace {

constexpr std::size_t kKeySize = 32;
constexpr unsigned char kHmacSaltMask = 0x3a;
constexpr int kHmacKeyIterations = 2;

// `what` says what is wrong, already in the user's language.
[[noreturn]] void damaged(const std::string& what) {
  // TRANSLATORS: {0} says what is wrong with the file, a message of its own.
  throw Error(Errc::corrupt, trf("the vault database is damaged: {0}", what),
              tr("restore the vault folder from a backup"));
}

// The main database's own file handle: reading through it opens no second
// descriptor, whose close would drop SQLite's POSIX locks on the file.
sqlite3_file* main_file(sqlite3* db) {
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
      file == nullptr || file->pMethods == nullptr) {
    throw Error(Errc::internal, "cannot reach the database file through SQLite");
  }
  return file;
}

std::int64_t file_size(sqlite3_file* file) {
  sqlite3_int64 size = 0;
  int rc = file->pMethods->xFileSize(file, &size);
  if (rc != SQLITE_OK) throw Error(Errc::io, "cannot read the size of the vault database");
  return size;
}

std::uint32_t big_endian(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// A read transaction for the length of a check: it holds SQLite's SHARED
// lock, so no other process writes the file meanwhile (a writer needs an
// EXCLUSIVE lock to touch it), and a hot journal is played back first.
class ReadTransaction {
 public:
  explicit ReadTransaction(Database& db) : db_(db) {
    db_.exec("BEGIN");
    try {
      db_.query_text("SELECT count(*) FROM sqlite_master");
    } catch (...) {
      end();
      throw;
    }
  }
  ~ReadTransaction() { end(); }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  void end() noexcept {
    try {
      db_.exec("COMMIT");  // nothing was written: this only drops the lock
    } catch (...) {
    }
  }

  Database& db_;
};

std::int64_t header_page_count(Database& db) { return std::stoll(db.query_text("PRAGMA page_count")); }

void require_whole_pages(std::int64_t size, std::int64_t pages) {
  if (size % kPageSize != 0) {
    damaged(trf("the file's size ({0} bytes) is not a whole number of {1}-byte pages", size, kPageSize));
  }
  std::int64_t held = size / kPageSize;
  if (held > pages) {
    damaged(trf("the file holds {0} pages where its header records {1} (pages were added past its end)", held,
                pages));
  }
  if (held < pages) {
    damaged(trf("the file holds {0} pages where its header records {1} (it was cut short)", held, pages));
  }
}

}  // namespace

Secret page_hmac_key(const Secret& key, const unsigned char* salt) {
  std::array<unsigned char, kPageSaltSize> hmac_salt{};
  for (std::size_t i = 0; i < kPageSaltSize; ++i) hmac_salt[i] = salt[i] ^ kHmacSaltMask;
  Secret hmac_key(kKeySize);
  if (PKCS5_PBKDF2_HMAC_SHA1(reinterpret_cast<const char*>(key.data()), static_cast<int>(key.size()),
                             hmac_salt.data(), static_cast<int>(hmac_salt.size()), kHmacKeyIterations,
                             static_cast<int>(hmac_key.size()), hmac_key.data()) != 1) {
    throw Error(Errc::internal, "PBKDF2 failed");
  }
  return hmac_key;
}

PageMac page_mac(const Secret& hmac_key, const unsigned char* page, std::uint32_t number) {
  // Ciphertext, not secret: copied so that the number can follow it.
  std::array<unsigned char, kPageMacOffset + 4> input{};
  const std::size_t start = number == 1 ? kPageSaltSize : 0;
  std::memcpy(input.data(), page + start, kPageMacOffset - start);
  for (std::size_t i = 0; i < 4; ++i) input[kPageMacOffset - start + i] = static_cast<unsigned char>(number >> (8 * i));
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha1(), hmac_key.data(), static_cast<int>(hmac_key.size()), input.data(),
           kPageMacOffset - start + 4, mac.data(), &mac_size) == nullptr ||
      mac_size != kPageMacSize) {
    throw Error(Errc::internal, "HMAC-SHA1 failed");
  }
  PageMac out{};
  std::memcpy(out.data(), mac.data(), kPageMacSize);
  return out;
}

void Database::check_file_size() {
  ReadTransaction read(*this);
  require_whole_pages(file_size(main_file(db_)), header_page_count(*this));
}

void Database::verify_pages(const Secret& key) {
  if (key.size() != kKeySize) throw Error(Errc::invalid_argument, "a database key must be exactly 32 bytes");
  ReadTransaction read(*this);
  sqlite3_file* file = main_file(db_);
  const std::int64_t pages = header_page_count(*this);
  require_whole_pages(file_size(file), pages);

  std::vector<unsigned char> page(kPageSize);
  auto read_page = [&](std::int64_t number) {
    int rc = file->pMethods->xRead(file, page.data(), static_cast<int>(kPageSize), (number - 1) * kPageSize);
    if (rc != SQLITE_OK) damaged(trf("page {0} cannot be read whole", number));
  };

  read_page(1);
  const Secret hmac_key = page_hmac_key(key, page.data());
  for (std::int64_t number = 1; number <= pages; ++number) {
    if (number > 1) read_page(number);
    bool zero = true;
    for (std::size_t i = 0; i < kPageSize && zero; ++i) zero = page[i] == 0;
    // SQLCipher passes an all-zero page unchecked (it takes it for a read
    // past the end of the file); inside the file it is damage.
    if (zero) damaged(trf("page {0} is all zeros", number));
    const PageMac mac = page_mac(hmac_key, page.data(), static_cast<std::uint32_t>(number));
    if (CRYPTO_memcmp(mac.data(), page.data() + kPageMacOffset, kPageMacSize) != 0) {
      damaged(trf("page {0} of {1} fails its authentication check (HMAC)", number, pages));
    }
  }
}

namespace {

// SQLite's rollback journal (pager.c): segments, each a header padded to the
// sector size, then its records: page number (4), page image, checksum (4),
// all integers big-endian.
constexpr unsigned char kJournalMagic[8] = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};
constexpr std::size_t kJournalHeader = 28;
constexpr std::uint32_t kNoSyncRecords = 0xffffffff;

bool power_of_two(std::uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

class ReadOnlyFile {
 public:
  explicit ReadOnlyFile(const std::filesystem::path& path)
      : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) {}
  ~ReadOnlyFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;
  int fd() const { return fd_; }

  // Reads exactly `n` bytes at `offset` (the caller has checked the size).
  void read(unsigned char* out, std::size_t n, std::int64_t offset) const {
    for (std::size_t done = 0; done < n;) {
      ssize_t got = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        const char* why = got < 0 ? std::strerror(errno) : tr("it shrank");
        throw Error(Errc::io, trf("cannot read the vault's rollback journal: {0}", why));
      }
      done += static_cast<std::size_t>(got);
    }
  }

 private:
  int fd_;
};

}  // namespace

std::optional<std::string> hot_journal_damage(const std::filesystem::path& journal) {
  ReadOnlyFile file(journal);
  if (file.fd() < 0) {
    if (errno == ENOENT) return std::nullopt;
    const char* why = std::strerror(errno);
    throw Error(Errc::io, trf("{0}: {1}", trf("cannot read the vault's rollback journal {0}", journal), why));
  }
  struct stat st {};
  if (::fstat(file.fd(), &st) != 0) throw Error(Errc::io, tr("cannot read the vault's rollback journal"));
  const std::int64_t size = st.st_size;

  // Until a segment's records are synced its header is zeros, and SQLite
  // writes no page of the database before that sync: such a segment, and all
  // after it, hold nothing SQLite plays back, whole or not. A header that is
  // there (its magic written) promises its records. A journal ends right
  // after a segment's records; bytes past them mean SQLite went on to write
  // the next header at the next sector boundary, so a journal that stops
  // short of that header was cut. Only a cut at the very end of a segment's
  // records cannot be seen.
  constexpr unsigned char kZeros[sizeof kJournalMagic] = {};
  std::vector<unsigned char> record;
  std::int64_t offset = 0;
  for (int segment = 1;; ++segment) {
    // What is wrong, and in which segment when there are several.
    auto damage = [segment](std::string what) {
      // TRANSLATORS: {0} says what is wrong with the journal, {1} is the number of its segment.
      return segment == 1 ? what : trf("{0} (segment {1})", what, segment);
    };
    const std::int64_t left = size - offset;
    if (left <= 0) {
      if (segment == 1) return std::nullopt;  // empty: nothing was written yet
      return damage(tr("it was cut short before the header of a segment"));
    }
    std::array<unsigned char, kJournalHeader> header{};
    const std::size_t have = static_cast<std::size_t>(std::min<std::int64_t>(left, kJournalHeader));
    file.read(header.data(), have, offset);
    const std::size_t magic = std::min(have, sizeof kJournalMagic);
    if (std::memcmp(header.data(), kZeros, magic) == 0) return std::nullopt;  // not synced yet
    if (std::memcmp(header.data(), kJournalMagic, magic) != 0) return damage(tr("its header is damaged"));
    if (have < kJournalHeader) return damage(tr("it was cut short inside a header"));
    std::uint32_t records = big_endian(&header[8]);
    const std::uint32_t nonce = big_endian(&header[12]);
    const std::uint32_t sector = big_endian(&header[20]);
    const std::uint32_t page_size = big_endian(&header[24]);
    if (page_size != kPageSize || !power_of_two(sector) || sector < 32 || sector > 65536) {
      return damage(tr("its header is damaged"));
    }
    if (left < sector) return damage(tr("it was cut short inside a header"));
    const std::int64_t record_size = page_size + 8;
    const std::int64_t first = offset + sector;
    if (records == kNoSyncRecords) records = static_cast<std::uint32_t>((size - first) / record_size);
    if (records == 0) return std::nullopt;
    const std::int64_t held = (size - first) / record_size;
    if (held < records) {
      return damage(trf("it was cut short: it holds {0} of the {1} page records its header promises", held, records));
    }
    record.resize(static_cast<std::size_t>(record_size));
    for (std::uint32_t r = 0; r < records; ++r) {
      file.read(record.data(), record.size(), first + r * record_size);
      // pager.c's checksum: the nonce plus every 200th byte of the page image.
      std::uint32_t sum = nonce;
      for (std::int64_t i = static_cast<std::int64_t>(page_size) - 200; i > 0; i -= 200) sum += record[4 + i];
      if (big_endian(record.data()) == 0 || sum != big_endian(&record[4 + page_size])) {
        return damage(trf("page record {0} of {1} fails its checksum", r + 1, records));
      }
    }
    const std::int64_t end = first + records * record_size;
    if (size == end) return std::nullopt;
    offset = (end + sector - 1) / sector * sector;
  }
}

}  // namespace folio
