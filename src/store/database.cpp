#include "store/database.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include <cstring>
#include <utility>

#include "folio/error.h"
#include "folio/i18n.h"
#include "store/pages.h"
#include "store/scrub.h"

namespace folio {
namespace {

constexpr std::size_t kRawKeySize = 32;

}  // namespace

namespace {
constexpr char kHex[] = "0123456789abcdef";

// SQLCipher 3 reads a key as raw only when it is exactly x'<64 hex>'; any
// other length is silently run through PBKDF2 as a passphrase. Refuse it.
Secret raw_key_text(const Secret& key) {
  if (key.size() != kRawKeySize) {
    throw Error(Errc::invalid_argument, "a database key must be exactly 32 bytes");
  }
  Secret text(3 + 2 * kRawKeySize);
  text.data()[0] = 'x';
  text.data()[1] = '\'';
  for (std::size_t i = 0; i < kRawKeySize; ++i) {
    text.data()[2 + 2 * i] = static_cast<std::uint8_t>(kHex[key.data()[i] >> 4]);
    text.data()[3 + 2 * i] = static_cast<std::uint8_t>(kHex[key.data()[i] & 15]);
  }
  text.data()[text.size() - 1] = '\'';
  return text;
}

}  // namespace

void throw_sqlite(sqlite3* db, int rc, std::string_view what) {
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string where(what);
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
      throw Error(Errc::corrupt, tr("the vault database is damaged or does not belong to this header"),
                  tr("restore the vault folder from a backup"));
    case SQLITE_CORRUPT:
      // TRANSLATORS: {0} is the step that failed, a word of the code ("open", "query").
      throw Error(Errc::corrupt, trf("the vault database is damaged ({0})", where),
                  tr("restore the vault folder from a backup"));
    case SQLITE_FULL:
      throw Error(Errc::io, tr("the disk is full; nothing was changed"), tr("free some disk space and try again"));
    case SQLITE_READONLY:
      throw Error(Errc::io, tr("the vault is read-only; nothing was changed"),
                  tr("check the permissions of the vault folder and its file system"));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw Error(Errc::io, tr("the vault is busy: another folio process is writing to it"),
                  tr("try again in a moment"));
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_IOERR:
      // TRANSLATORS: {0} is SQLite's own (English) reason.
      throw Error(Errc::io, trf("cannot access the vault database: {0}", detail));
    case SQLITE_ERROR:
      // SQLCipher reports a page that fails its HMAC by putting the pager in
      // its error state with a bare SQLITE_ERROR, and every later step on
      // the connection fails the same way; SQL errors of SQLite's own carry
      // a message of their own ("no such table: x"). A write that needs a
      // damaged free page (a freelist trunk) fails like this.
      if (detail == sqlite3_errstr(SQLITE_ERROR)) {
        throw Error(Errc::corrupt,
                    trf("the vault database is damaged: a page failed its authentication check ({0})", where),
                    tr("restore the vault folder from a backup; 'folio check' names the page"));
      }
      throw Error(Errc::internal, "database error in " + where + ": " + detail);
    case SQLITE_NOMEM:
      throw Error(Errc::internal, "out of memory (" + where + ")");
    default:
      throw Error(Errc::internal, "database error in " + where + ": " + detail);
  }
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db, rc, "prepare");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::bind(int index, std::string_view text) {
  // A null data() would bind SQL NULL; an empty text must stay ''.
  const char* data = text.data() != nullptr ? text.data() : "";
  int rc = sqlite3_bind_text(stmt_, index, data, static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "bind");
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  // A null data() would bind SQL NULL; an empty BLOB must stay x''.
  const char* data = bytes.data() != nullptr ? bytes.data() : "";
  int rc = sqlite3_bind_blob(stmt_, index, data, static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_sqlite(db_, rc, "query");
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), n);
}

std::string_view Statement::blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(p), static_cast<std::size_t>(n));
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Blob::Blob(sqlite3* db, const char* table, const char* column, std::int64_t row, bool writable)
    : db_(db) {
  int rc = sqlite3_blob_open(db, "main", table, column, row, writable ? 1 : 0, &blob_);
  if (rc != SQLITE_OK) throw_sqlite(db, rc, "blob open");
}

Blob::~Blob() { sqlite3_blob_close(blob_); }

int Blob::size() const { return sqlite3_blob_bytes(blob_); }

void Blob::read(void* out, int n, int offset) {
  int rc = sqlite3_blob_read(blob_, out, n, offset);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "blob read");
}

void Blob::write(const void* data, int n, int offset) {
  int rc = sqlite3_blob_write(blob_, data, n, offset);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "blob write");
}

Database Database::open(const std::filesystem::path& file, const Secret& key, Mode mode) {
  Secret key_text = raw_key_text(key);  // checks the length before anything is opened
  if (mode == Mode::open_existing) {
    // Before SQLite sees it: SQLite plays a hot journal back as far as it is
    // whole and deletes it without a word, leaving a half-changed database.
    // pages.h says why this needs no lock.
    std::filesystem::path journal = file;
    journal += "-journal";
    if (auto damage = hot_journal_damage(journal)) {
      const std::string name = journal.filename().string();
      // TRANSLATORS: {0} is the journal's file name, {1} what is wrong with it (a message of its own).
      throw Error(Errc::corrupt,
                  trf("the vault database's rollback journal ({0}), left by an interrupted write, is damaged ({1}); "
                      "folio does not play back part of it, which would leave the database half-changed",
                      name, *damage),
                  trf("copy the vault folder somewhere safe first; then restore it from a backup, or rename {0} to "
                      "{0}.damaged to open the database as the interrupted write left it, and run 'folio check'",
                      name));
    }
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
              (mode == Mode::create_new ? SQLITE_OPEN_CREATE : 0);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &raw, flags, scrub_vfs_name());
  Database db(raw);  // owns the handle from here, even on failure
  if (rc != SQLITE_OK) throw_sqlite(raw, rc, "open");

  rc = sqlite3_key(raw, key_text.data(), static_cast<int>(key_text.size()));
  if (rc != SQLITE_OK) throw_sqlite(raw, rc, "key");

  // folio never reads a database from outside the vault: no ATTACH at all.
  sqlite3_limit(raw, SQLITE_LIMIT_ATTACHED, 0);

  // Must be set on every open: it is not stored in the (encrypted) file.
  db.exec("PRAGMA cipher_page_size = 4096");
  sqlite3_busy_timeout(raw, 5000);

  // The first read decrypts page 1: a wrong key or a damaged file fails here
  // (and a whole hot journal is played back).
  if (mode == Mode::open_existing) {
    db.check_file_size();
  } else {
    db.query_text("SELECT count(*) FROM sqlite_master");
  }

  // From here on every page written is scrubbed (store/scrub.h): the key
  // opened page 1, so it is the file's own.
  if (!scrub_pages_with(raw, "main", key)) {
    throw Error(Errc::internal, "the vault database is not open through folio's own VFS");
  }
  // secure_delete zeroes freed content; a memory temp store keeps sorts and
  // VACUUM's temporary database off the disk, where they would be plaintext.
  if (db.query_text("PRAGMA secure_delete = ON") != "1") {
    throw Error(Errc::refused, tr("this SQLCipher build does not support secure_delete; refusing to run"));
  }
  db.exec("PRAGMA temp_store = MEMORY");
  if (db.query_text("PRAGMA temp_store") != "2") {
    throw Error(Errc::refused, tr("this SQLCipher build cannot keep temporary data in memory; refusing to run"));
  }
  // PERSIST would keep old page images in the journal after each commit.
  std::string journal = db.query_text("PRAGMA journal_mode = DELETE");
  if (journal != "delete") {
    throw Error(Errc::refused, trf("could not set the database journal mode to DELETE (got '{0}')", journal));
  }
  db.exec("PRAGMA foreign_keys = ON");
  return db;
}

Database::Database(Database&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Database::~Database() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void Database::exec(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db_, rc, "statement");
}

std::string Database::query_text(const char* sql) {
  Statement st(db_, sql);
  return st.step() ? st.text(0) : std::string();
}

void Database::export_to(const std::filesystem::path& file, const Secret& key) {
  Secret key_text = raw_key_text(key);
  std::error_code ec;
  std::filesystem::remove(file, ec);
  // The connection was opened without SQLITE_OPEN_CREATE, and ATTACH uses
  // the same flags: make the (empty, private) file first.
  int made = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (made < 0) {
    const int err = errno;
    throw Error(Errc::io, trf("{0}: {1}", trf("cannot create {0}", file), std::strerror(err)));
  }
  ::close(made);
  sqlite3_limit(db_, SQLITE_LIMIT_ATTACHED, 1);
  struct Detach {
    sqlite3* db;
    bool attached = false;
    ~Detach() {
      if (attached) sqlite3_exec(db, "DETACH DATABASE rekey", nullptr, nullptr, nullptr);
      sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    }
  } guard{db_};
  {
    // The key is a bound value, never part of the SQL text.
    Statement attach(db_, "ATTACH DATABASE ?1 AS rekey KEY ?2");
    attach.bind(1, file.string());
    attach.bind(2, std::string_view(reinterpret_cast<const char*>(key_text.data()), key_text.size()));
    attach.step();
    guard.attached = true;
  }
  exec("PRAGMA rekey.cipher_page_size = 4096");
  if (!scrub_pages_with(db_, "rekey", key)) {
    throw Error(Errc::internal, "the re-encrypted copy is not open through folio's own VFS");
  }
  std::string version = query_text("PRAGMA main.user_version");
  try {
    query_text("SELECT sqlcipher_export('rekey')");
  } catch (const Error&) {
    // sqlcipher_export reports every failure as a plain SQLITE_ERROR, most
    // often a full disk; its message says which.
    throw Error(Errc::io, trf("cannot write the re-encrypted copy of the database: {0}", sqlite3_errmsg(db_)),
                tr("re-keying needs free space for a second copy of the database file"));
  }
  // user_version is not part of what sqlcipher_export copies.
  exec(("PRAGMA rekey.user_version = " + std::to_string(std::stol(version))).c_str());
  exec("DETACH DATABASE rekey");
  guard.attached = false;
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    throw Error(Errc::io, trf("cannot sync the re-encrypted database: {0}", std::strerror(err)));
  }
  ::close(fd);
}

std::int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }

int Database::changes() const { return sqlite3_changes(db_); }

Database::Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Database::Transaction::~Transaction() {
  if (done_) return;
  sqlite3_exec(db_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
  // A COMMIT that failed half-way (a full disk) leaves the pager in its error
  // state with a hot journal; the next read plays the journal back, so that
  // the files are as they were before we return, not at the next run.
  sqlite3_exec(db_.db_, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
}

void Database::Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace folio

#include "folio/version.h"

namespace folio {

std::string sqlcipher_version() {
  sqlite3* db = nullptr;
  std::string cipher = "unknown";
  if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA cipher_version", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      cipher = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return cipher + " on SQLite " + sqlite3_libversion();
}

}  // namespace folio
