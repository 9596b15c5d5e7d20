// The only door to SQLCipher. A Database is an open, keyed, checked connection;
// a Statement is a prepared, parameterised query. No SQL text is ever built
// from user input: values go in through bind().
//
//   Database db = Database::open(dir / "data", key, Database::Mode::open_existing);
//   Statement st = db.prepare("SELECT body FROM entries WHERE uid = ?1");
//   st.bind(1, id);
//   while (st.step()) use(st.text(0));
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "folio/secret.h"

namespace folio {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);

  // Runs one step: true if a row is ready, false when done. Throws Error.
  bool step();
  void reset();

  std::string text(int column) const;
  // The bytes of a BLOB column, valid until the next step() or reset().
  std::string_view blob(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Incremental I/O on one BLOB cell (sqlite3_blob_*), so that large values
// are written and read in pieces rather than held in memory whole.
class Blob {
 public:
  Blob(sqlite3* db, const char* table, const char* column, std::int64_t row, bool writable);
  ~Blob();
  Blob(const Blob&) = delete;
  Blob& operator=(const Blob&) = delete;
  int size() const;
  void read(void* out, int n, int offset);
  void write(const void* data, int n, int offset);

 private:
  sqlite3* db_;
  sqlite3_blob* blob_ = nullptr;
};

class Database {
 public:
  enum class Mode { create_new, open_existing };

  // Opens (or creates) the SQLCipher file at `file` with a raw 32-byte key,
  // sets cipher_page_size, and checks secure_delete, temp_store and
  // journal_mode, refusing to go on if SQLCipher does not honour them.
  // Error(invalid_argument) for a key that is not 32 bytes (SQLCipher would
  // silently treat it as a PBKDF2 passphrase), Error(corrupt) if the key does
  // not open the file, Error(io).
  static Database open(const std::filesystem::path& file, const Secret& key, Mode mode);

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  // Runs fixed SQL with no parameters (schema, pragmas, BEGIN/COMMIT).
  void exec(const char* sql);
  // The first column of the first row of fixed SQL, as text ("" if none).
  std::string query_text(const char* sql);

  // Copies the whole database into a new SQLCipher file at `file` under the
  // raw 32-byte `key` (sqlcipher_export, plus user_version, which export does
  // not copy), then syncs that file. The one place folio attaches a
  // database, and only for the length of this call. Error(io).
  void export_to(const std::filesystem::path& file, const Secret& key);

  // Reads every page of the file from the disk, free pages and all, and
  // checks its HMAC as SQLCipher 3 would (SQLite itself never reads a free
  // page), and that the file holds exactly the pages its header records.
  // Inside a read transaction: no writer changes the file meanwhile. `key`
  // is the raw key the file was opened with. Error(corrupt) naming the first
  // bad page, Error(io). src/store/pages.cpp.
  void verify_pages(const Secret& key);

  std::int64_t last_insert_id() const;
  Blob open_blob(const char* table, const char* column, std::int64_t row, bool writable) {
    return Blob(db_, table, column, row, writable);
  }
  int changes() const;

  // BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit()ed.
  class Transaction {
   public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

   private:
    Database& db_;
    bool done_ = false;
  };

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  // Error(corrupt) unless the file's size is the page count its header
  // records times the page size: SQLite reads no page past that count and
  // ignores a partial last page. Cheap (no page is read). src/store/pages.cpp.
  void check_file_size();
  sqlite3* db_ = nullptr;
};

// Throws the folio::Error matching a SQLite result code. `what` names the step.
[[noreturn]] void throw_sqlite(sqlite3* db, int rc, std::string_view what);

}  // namespace folio
