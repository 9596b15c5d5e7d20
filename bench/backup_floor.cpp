// The floor of bench_backup.py: what it costs to put a backup's records into
// a vault with nothing but SQLCipher. Reads the plaintext payload (JSON
// Lines, as `age -d` writes it) on stdin and inserts its entries,
// checklists, items and attachments, the attachment bytes decoded from
// base64 into 1 MiB stored chunks through incremental blob I/O, as folio
// stores them, in one transaction.
//
// It checks nothing (no hash, no UTF-8, no merge with what the vault holds),
// keeps no search index, tags, links or templates: a lower bound for
// `folio import`, not a second implementation of it. Bench code only (not
// installed): that is why it calls sqlite3_* outside src/store.
//
//   FOLIO_FLOOR_KEY=<64 hex digits> backup_floor VAULT/data < payload.jsonl
//
// The key is the vault's raw SQLCipher key (bench/benchlib.py derives it).
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void die(sqlite3* db, const char* what) {
  std::fprintf(stderr, "backup_floor: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
  std::exit(1);
}

void exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) die(db, sql);
}

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) die(db, sql);
  return st;
}

void run(sqlite3* db, sqlite3_stmt* st) {
  if (sqlite3_step(st) != SQLITE_DONE) die(db, sqlite3_sql(st));
  sqlite3_reset(st);
}

void text(sqlite3_stmt* st, int i, const nlohmann::json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  } else if (v.is_number_integer()) {
    sqlite3_bind_int64(st, i, v.get<sqlite3_int64>());
  } else {
    sqlite3_bind_null(st, i);
  }
}

int value_of(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Padded base64 into `out` (no checks: the floor trusts its input).
void decode(std::string_view in, std::vector<unsigned char>& out) {
  static int table[256];
  static bool ready = false;
  if (!ready) {
    for (int c = 0; c < 256; ++c) table[c] = value_of(static_cast<unsigned char>(c));
    ready = true;
  }
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  out.resize(in.size() * 3 / 4);
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  unsigned char* o = out.data();
  std::size_t i = 0;
  for (; i + 4 <= in.size(); i += 4, o += 3) {
    std::uint32_t v = static_cast<std::uint32_t>(table[p[i]] << 18 | table[p[i + 1]] << 12 |
                                                 table[p[i + 2]] << 6 | table[p[i + 3]]);
    o[0] = static_cast<unsigned char>(v >> 16);
    o[1] = static_cast<unsigned char>(v >> 8);
    o[2] = static_cast<unsigned char>(v);
  }
  std::uint32_t acc = 0;
  int bits = 0;
  for (; i < in.size(); ++i) {
    acc = (acc << 6) | static_cast<std::uint32_t>(table[p[i]]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *o++ = static_cast<unsigned char>(acc >> bits);
    }
  }
}

// Lines of stdin, read in large blocks.
class Lines {
 public:
  bool next(std::string& line) {
    line.clear();
    for (;;) {
      if (pos_ == len_) {
        len_ = std::fread(buf_.data(), 1, buf_.size(), stdin);
        pos_ = 0;
        if (len_ == 0) return !line.empty();
      }
      const char* start = buf_.data() + pos_;
      const void* nl = std::memchr(start, '\n', len_ - pos_);
      std::size_t take = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) : len_ - pos_;
      line.append(start, take);
      pos_ += take;
      if (nl) {
        ++pos_;
        return true;
      }
    }
  }

 private:
  std::vector<char> buf_ = std::vector<char>(1 << 20);
  std::size_t pos_ = 0, len_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const char* key = std::getenv("FOLIO_FLOOR_KEY");
  if (argc != 2 || key == nullptr || std::strlen(key) != 64) {
    std::fprintf(stderr, "usage: FOLIO_FLOOR_KEY=<64 hex digits> backup_floor VAULT/data < payload\n");
    return 2;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) die(db, "open");
  std::string pragma = std::string("PRAGMA key = \"x'") + key + "'\"";
  exec(db, pragma.c_str());
  // The pragmas folio sets on every open (docs/FORMAT.md).
  exec(db, "PRAGMA cipher_page_size = 4096");
  exec(db, "PRAGMA secure_delete = ON");
  exec(db, "PRAGMA temp_store = MEMORY");
  exec(db, "PRAGMA journal_mode = DELETE");
  exec(db, "PRAGMA foreign_keys = ON");
  exec(db, "BEGIN");
  sqlite3_stmt* entry = prepare(
      db, "INSERT INTO entries(uid, created, updated, title, body) VALUES (?1, ?2, ?3, ?4, ?5)");
  sqlite3_stmt* checklist = prepare(db,
      "INSERT INTO checklists(uid, name, description, target, created, updated) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  sqlite3_stmt* item = prepare(db,
      "INSERT INTO items(uid, checklist_id, position, title, state, due, expires, notes, created, "
      "updated) VALUES (?1, (SELECT id FROM checklists WHERE uid = ?2), ?3, ?4, ?5, ?6, ?7, ?8, "
      "?9, ?10)");
  sqlite3_stmt* attachment = prepare(db,
      "INSERT INTO attachments(uid, item_id, name, media_type, size, blake2b, created) VALUES "
      "(?1, (SELECT id FROM items WHERE uid = ?2), ?3, ?4, ?5, ?6, ?7)");
  sqlite3_stmt* chunk = prepare(db,
      "INSERT INTO attachment_chunks(attachment_id, seq, data) VALUES (?1, ?2, zeroblob(?3))");

  constexpr std::int64_t kStored = 1 << 20;
  std::int64_t att_row = 0, att_size = 0, stored_seq = 0;
  sqlite3_blob* blob = nullptr;
  int blob_size = 0, blob_off = 0;
  std::string line;
  std::vector<unsigned char> bytes;
  constexpr std::string_view kChunk = R"({"type":"chunk")";
  constexpr std::string_view kData = R"("data":")";
  Lines lines;
  while (lines.next(line)) {
    if (std::string_view(line).substr(0, kChunk.size()) == kChunk) {
      std::size_t at = line.rfind(kData);
      if (at == std::string::npos) die(nullptr, "a chunk line without data");
      at += kData.size();
      decode(std::string_view(line).substr(at, line.size() - at - 2), bytes);
      for (std::size_t off = 0; off < bytes.size();) {
        if (blob == nullptr || blob_off == blob_size) {
          if (blob) sqlite3_blob_close(blob);
          blob_size = static_cast<int>(std::min(kStored, att_size - stored_seq * kStored));
          sqlite3_bind_int64(chunk, 1, att_row);
          sqlite3_bind_int64(chunk, 2, stored_seq++);
          sqlite3_bind_int64(chunk, 3, blob_size);
          run(db, chunk);
          if (sqlite3_blob_open(db, "main", "attachment_chunks", "data", sqlite3_last_insert_rowid(db),
                                1, &blob) != SQLITE_OK) {
            die(db, "blob");
          }
          blob_off = 0;
        }
        int n = static_cast<int>(std::min<std::size_t>(bytes.size() - off,
                                                       static_cast<std::size_t>(blob_size - blob_off)));
        if (sqlite3_blob_write(blob, bytes.data() + off, n, blob_off) != SQLITE_OK) die(db, "write");
        blob_off += n;
        off += static_cast<std::size_t>(n);
      }
      continue;
    }
    if (blob) {
      sqlite3_blob_close(blob);
      blob = nullptr;
    }
    nlohmann::json j = nlohmann::json::parse(line);
    const std::string type = j.value("type", std::string());
    if (type == "entry") {
      text(entry, 1, j["id"]);
      text(entry, 2, j["created"]);
      text(entry, 3, j["updated"]);
      text(entry, 4, j["title"]);
      text(entry, 5, j["body"]);
      run(db, entry);
    } else if (type == "checklist") {
      text(checklist, 1, j["id"]);
      text(checklist, 2, j["name"]);
      text(checklist, 3, j["description"]);
      text(checklist, 4, j["target"]);
      text(checklist, 5, j["created"]);
      text(checklist, 6, j["updated"]);
      run(db, checklist);
    } else if (type == "item") {
      const char* keys[] = {"id", "checklist", "position", "title", "state",
                            "due", "expires", "notes", "created", "updated"};
      for (int i = 0; i < 10; ++i) text(item, i + 1, j[keys[i]]);
      run(db, item);
    } else if (type == "attachment") {
      const char* keys[] = {"id", "item", "name", "media_type", "size", "blake2b", "created"};
      for (int i = 0; i < 7; ++i) text(attachment, i + 1, j[keys[i]]);
      run(db, attachment);
      att_row = sqlite3_last_insert_rowid(db);
      att_size = j["size"].get<std::int64_t>();
      stored_seq = 0;
      blob_size = blob_off = 0;
    }
  }
  if (blob) sqlite3_blob_close(blob);
  for (sqlite3_stmt* st : {entry, checklist, item, attachment, chunk}) sqlite3_finalize(st);
  exec(db, "COMMIT");
  if (sqlite3_close(db) != SQLITE_OK) die(db, "close");
  return 0;
}
