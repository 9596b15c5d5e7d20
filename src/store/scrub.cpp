#include "store/scrub.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>

#include "folio/error.h"
#include "store/pages.h"

namespace folio {
namespace {

// A file control opcode of folio's own (SQLite leaves unknown opcodes to
// the VFS): its argument is a Keying.
constexpr int kFcntlScrubKey = 0x666f6c69;  // "foli"

struct Keying {
  const Secret* key;
  bool done;
};

// An overflow or free-list trunk page starts with a page number (4 bytes,
// big-endian); below 2^25 pages (128 GiB) its first byte is 0 or 1, never
// one of the four B-tree page types.
constexpr std::int64_t kMaxPages = std::int64_t{1} << 25;

constexpr std::size_t kAesBlock = 16;

std::atomic<bool> g_enabled{true};
std::atomic<long> g_scrubbed{0};

std::uint16_t be16(const unsigned char* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

// The key and scratch space of one keyed database file. Used only by the
// connection that owns the file, so it needs no lock.
class Scrubber {
 public:
  explicit Scrubber(const Secret& key)
      : key_(Secret::from(key.view())), plain_(kPageSize), page_(kPageSize), ctx_(EVP_CIPHER_CTX_new()) {
    if (ctx_ == nullptr) throw Error(Errc::internal, "cannot allocate a cipher context");
  }
  ~Scrubber() { EVP_CIPHER_CTX_free(ctx_); }
  Scrubber(const Scrubber&) = delete;
  Scrubber& operator=(const Scrubber&) = delete;

  // Page `number` as SQLCipher made it in `in`, with its unused space
  // zeroed, or nullptr when it is to be written as it is. `file` is the
  // underlying file, read for the salt when page 1 was not written first.
  const unsigned char* clean(const unsigned char* in, std::int64_t number, sqlite3_file* file) {
    if (off_ || number < 1 || number >= kMaxPages) return nullptr;
    if (number == 1) {
      set_salt(in);
    } else if (!hmac_key_) {
      unsigned char salt[kPageSaltSize];
      if (file->pMethods->xRead(file, salt, sizeof salt, 0) != SQLITE_OK) return nullptr;
      set_salt(salt);
    }
    const std::size_t start = number == 1 ? kPageSaltSize : 0;
    if (number != 1) {
      // The page type is the first byte, in the first AES block, which CBC
      // decrypts on its own: most pages written in bulk (an attachment's)
      // are overflow pages, and need no more than that.
      if (!crypt(in, kAesBlock, in + kPageIvOffset, plain_.data(), false)) return nullptr;
      const unsigned char first = plain_.data()[0];
      if (first != 2 && first != 5 && first != 10 && first != 13) return nullptr;
    }
    if (!crypt(in + start, kPageIvOffset - start, in + kPageIvOffset, plain_.data() + start, false)) return nullptr;

    // The B-tree page header (docs/FORMAT.md, "Pages"; SQLite's file format):
    // after the 100-byte database header on page 1.
    const unsigned char* p = plain_.data();
    const std::size_t header = number == 1 ? 100 : 0;
    if (number == 1 && std::memcmp(p + 52, "\0\0\0\0", 4) != 0) {
      off_ = true;  // auto_vacuum: pointer-map pages could look like B-tree pages
      return nullptr;
    }
    const unsigned char type = p[header];
    if (type != 2 && type != 5 && type != 10 && type != 13) return nullptr;
    const std::size_t header_size = (type == 2 || type == 5) ? 12 : 8;
    const std::size_t cells = be16(p + header + 3);
    const std::size_t content = be16(p + header + 5) == 0 ? 65536 : be16(p + header + 5);
    const std::size_t gap = header + header_size + 2 * cells;
    if (gap > content || content > kPageIvOffset) return nullptr;
    bool clear = true;
    for (std::size_t i = gap; i < content && clear; ++i) clear = p[i] == 0;
    if (clear) return nullptr;

    // Only a page that authenticates under this key is rewritten: a wrong
    // key must never turn a good page into a bad one.
    const PageMac mac = page_mac(*hmac_key_, in, static_cast<std::uint32_t>(number));
    if (CRYPTO_memcmp(mac.data(), in + kPageMacOffset, kPageMacSize) != 0) return nullptr;

    std::memset(plain_.data() + gap, 0, content - gap);
    unsigned char* out = page_.data();
    std::memcpy(out, in, start);                             // page 1's salt
    random_bytes(out + kPageIvOffset, kPageReserve);         // a fresh IV and filler, as SQLCipher writes
    if (!crypt(plain_.data() + start, kPageIvOffset - start, out + kPageIvOffset, out + start, true)) return nullptr;
    const PageMac fresh = page_mac(*hmac_key_, out, static_cast<std::uint32_t>(number));
    std::memcpy(out + kPageMacOffset, fresh.data(), kPageMacSize);
    wipe(plain_.data(), kPageSize);
    g_scrubbed.fetch_add(1, std::memory_order_relaxed);
    return out;
  }

 private:
  void set_salt(const unsigned char* salt) {
    if (hmac_key_ && std::memcmp(salt_, salt, kPageSaltSize) == 0) return;
    std::memcpy(salt_, salt, kPageSaltSize);
    hmac_key_ = page_hmac_key(key_, salt_);
  }

  // AES-256-CBC without padding, as SQLCipher 3 uses it.
  bool crypt(const unsigned char* in, std::size_t size, const unsigned char* iv, unsigned char* out, bool encrypt) {
    int done = 0;
    int last = 0;
    const int ok = EVP_CipherInit_ex(ctx_, EVP_aes_256_cbc(), nullptr, key_.data(), iv, encrypt ? 1 : 0) == 1 &&
                   EVP_CIPHER_CTX_set_padding(ctx_, 0) == 1 &&
                   EVP_CipherUpdate(ctx_, out, &done, in, static_cast<int>(size)) == 1 &&
                   EVP_CipherFinal_ex(ctx_, out + done, &last) == 1;
    return ok && static_cast<std::size_t>(done + last) == size;
  }

  Secret key_;
  bool off_ = false;
  std::optional<Secret> hmac_key_;
  unsigned char salt_[kPageSaltSize] = {};
  Secret plain_;  // a decrypted page: plaintext, so locked memory
  Secret page_;   // the page re-encrypted
  EVP_CIPHER_CTX* ctx_;
};

// Our file: SQLite's sqlite3_file first, then the default VFS's own file.
struct File {
  sqlite3_file base;
  sqlite3_file* real;
  bool main_db;
  Scrubber* scrubber;
};

sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs;

sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

int x_close(sqlite3_file* f) {
  File* file = reinterpret_cast<File*>(f);
  delete file->scrubber;
  file->scrubber = nullptr;
  return file->real->pMethods->xClose(file->real);
}

int x_read(sqlite3_file* f, void* out, int n, sqlite3_int64 at) {
  return real(f)->pMethods->xRead(real(f), out, n, at);
}

int x_write(sqlite3_file* f, const void* data, int n, sqlite3_int64 at) {
  File* file = reinterpret_cast<File*>(f);
  if (file->scrubber != nullptr && g_enabled.load(std::memory_order_relaxed) && n == static_cast<int>(kPageSize) &&
      at % kPageSize == 0) {
    const unsigned char* clean = nullptr;
    try {
      clean = file->scrubber->clean(static_cast<const unsigned char*>(data), at / kPageSize + 1, file->real);
    } catch (...) {
      clean = nullptr;  // never fail a write for the scrubber: write what SQLCipher made
    }
    if (clean != nullptr) data = clean;
  }
  return file->real->pMethods->xWrite(file->real, data, n, at);
}

int x_truncate(sqlite3_file* f, sqlite3_int64 size) { return real(f)->pMethods->xTruncate(real(f), size); }
int x_sync(sqlite3_file* f, int flags) { return real(f)->pMethods->xSync(real(f), flags); }
int x_file_size(sqlite3_file* f, sqlite3_int64* size) { return real(f)->pMethods->xFileSize(real(f), size); }
int x_lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int x_unlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
int x_check_reserved(sqlite3_file* f, int* out) { return real(f)->pMethods->xCheckReservedLock(real(f), out); }

int x_file_control(sqlite3_file* f, int op, void* arg) {
  File* file = reinterpret_cast<File*>(f);
  if (op == kFcntlScrubKey) {
    if (!file->main_db) return SQLITE_NOTFOUND;
    auto* keying = static_cast<Keying*>(arg);
    delete file->scrubber;
    file->scrubber = nullptr;
    try {
      file->scrubber = new Scrubber(*keying->key);
    } catch (...) {
      return SQLITE_NOMEM;
    }
    keying->done = true;
    return SQLITE_OK;
  }
  return file->real->pMethods->xFileControl(file->real, op, arg);
}

int x_sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int x_device(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }

int x_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  if (real(f)->pMethods->iVersion < 2) return SQLITE_IOERR;
  return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  if (real(f)->pMethods->iVersion < 2) return SQLITE_IOERR;
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) {
  if (real(f)->pMethods->iVersion >= 2) real(f)->pMethods->xShmBarrier(real(f));
}
int x_shm_unmap(sqlite3_file* f, int remove) {
  if (real(f)->pMethods->iVersion < 2) return SQLITE_OK;
  return real(f)->pMethods->xShmUnmap(real(f), remove);
}
int x_fetch(sqlite3_file* f, sqlite3_int64 at, int n, void** out) {
  // SQLCipher turns memory-mapped reads off; never hand out mapped pages.
  (void)f;
  (void)at;
  (void)n;
  *out = nullptr;
  return SQLITE_OK;
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 at, void* p) {
  (void)f;
  (void)at;
  (void)p;
  return SQLITE_OK;
}

const sqlite3_io_methods kMethods = {
    3,           x_close,         x_read,     x_write,        x_truncate,       x_sync,
    x_file_size, x_lock,          x_unlock,   x_check_reserved, x_file_control, x_sector_size,
    x_device,    x_shm_map,       x_shm_lock, x_shm_barrier,  x_shm_unmap,      x_fetch,
    x_unfetch,
};

int v_open(sqlite3_vfs*, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  File* file = reinterpret_cast<File*>(f);
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  file->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
  file->scrubber = nullptr;
  int rc = g_real->xOpen(g_real, name, file->real, flags, out_flags);
  file->base.pMethods = file->real->pMethods != nullptr ? &kMethods : nullptr;
  return rc;
}

int v_delete(sqlite3_vfs*, const char* name, int sync) { return g_real->xDelete(g_real, name, sync); }
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_real->xAccess(g_real, name, flags, out); }
int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real->xFullPathname(g_real, name, n, out);
}
void* v_dl_open(sqlite3_vfs*, const char* name) { return g_real->xDlOpen(g_real, name); }
void v_dl_error(sqlite3_vfs*, int n, char* out) { g_real->xDlError(g_real, n, out); }
void (*v_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) { return g_real->xDlSym(g_real, handle, symbol); }
void v_dl_close(sqlite3_vfs*, void* handle) { g_real->xDlClose(g_real, handle); }
int v_randomness(sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); }
int v_sleep(sqlite3_vfs*, int micros) { return g_real->xSleep(g_real, micros); }
int v_current_time(sqlite3_vfs*, double* out) { return g_real->xCurrentTime(g_real, out); }
int v_last_error(sqlite3_vfs*, int n, char* out) {
  return g_real->xGetLastError != nullptr ? g_real->xGetLastError(g_real, n, out) : 0;
}
int v_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  if (g_real->iVersion >= 2 && g_real->xCurrentTimeInt64 != nullptr) return g_real->xCurrentTimeInt64(g_real, out);
  double days = 0;
  int rc = g_real->xCurrentTime(g_real, &days);
  *out = static_cast<sqlite3_int64>(days * 86400000.0);
  return rc;
}

constexpr const char* kName = "folio";

}  // namespace

const char* scrub_vfs_name() {
  static std::once_flag once;
  static int rc = SQLITE_OK;
  std::call_once(once, [] {
    g_real = sqlite3_vfs_find(nullptr);
    if (g_real == nullptr) {
      rc = SQLITE_ERROR;
      return;
    }
    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = 2;
    // Our File, then the default VFS's file (File's size is a multiple of
    // its pointer alignment, which is all a sqlite3_file needs).
    g_vfs.szOsFile = static_cast<int>(sizeof(File)) + g_real->szOsFile;
    g_vfs.mxPathname = g_real->mxPathname;
    g_vfs.zName = kName;
    g_vfs.xOpen = v_open;
    g_vfs.xDelete = v_delete;
    g_vfs.xAccess = v_access;
    g_vfs.xFullPathname = v_full_pathname;
    g_vfs.xDlOpen = v_dl_open;
    g_vfs.xDlError = v_dl_error;
    g_vfs.xDlSym = v_dl_sym;
    g_vfs.xDlClose = v_dl_close;
    g_vfs.xRandomness = v_randomness;
    g_vfs.xSleep = v_sleep;
    g_vfs.xCurrentTime = v_current_time;
    g_vfs.xGetLastError = v_last_error;
    g_vfs.xCurrentTimeInt64 = v_current_time_int64;
    rc = sqlite3_vfs_register(&g_vfs, 0);
  });
  if (rc != SQLITE_OK) throw Error(Errc::internal, "SQLite refused folio's VFS");
  return kName;
}

bool scrub_pages_with(sqlite3* db, const char* schema, const Secret& key) {
  Keying keying{&key, false};
  // SQLite answers SQLITE_NOTFOUND for a file that is not ours.
  return sqlite3_file_control(db, schema, kFcntlScrubKey, &keying) == SQLITE_OK && keying.done;
}

long scrubbed_page_count() { return g_scrubbed.load(); }

void set_page_scrubbing(bool on) { g_enabled.store(on); }

}  // namespace folio
