// A VFS over SQLite's default one that joins runs of page writes into one
// write, and reads ahead when pages are read one after another.
//
// SQLCipher encrypts each 4 KiB page in the pager, before it reaches the VFS,
// and SQLite writes and reads a file one page at a time: storing a 200 MB
// attachment makes some 51,000 write system calls, extracting it as many
// reads, and on a virtual machine a system call is costly. Only ciphertext
// (and journal records made of it) passes through here.
//
// Invariants that keep SQLite's crash and locking guarantees:
//   1. A write is only held back while it extends the run of bytes written
//      just before it, up to kRun bytes; any other call on the file (sync,
//      read, size, truncate, lock, unlock, file control, close) first writes
//      the run out. So every byte SQLite wrote reaches the file before any
//      xSync, which is SQLite's only ordering point, and before anything that
//      could observe the file, in this process or (through a lock) another.
//      A failed held-back write is reported by the call that wrote it out.
//   2. Read-ahead bytes are kept only until the next call that is not a read:
//      a write, truncate, sync, lock or unlock drops them, so a page is never
//      served from bytes older than the last write or lock change. Read-ahead
//      starts only when a read begins where the previous one ended.
//   3. Runs and read-ahead are at most kRun bytes: the unix VFS writes at
//      most 128 KiB at once (it masks larger sizes).
#include "store/vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>

namespace folio {
namespace {

constexpr int kRun = 64 << 10;

struct File {
  sqlite3_file base;       // first: SQLite sees a File as a sqlite3_file
  sqlite3_file* real;      // the default VFS's file, in the same allocation
  std::int64_t run_at;     // where the held-back run starts
  int run_size;            // its bytes in `buffer`; 0: none
  std::int64_t ahead_at;   // where the read-ahead bytes start
  int ahead_size;          // 0: none
  std::int64_t last_end;   // where the last read ended; -1: none
  unsigned char* buffer;   // the run, or the read-ahead (never both)
};

sqlite3_vfs* g_default = nullptr;
sqlite3_vfs g_vfs;
sqlite3_io_methods g_methods;

File* as_file(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
const sqlite3_io_methods* real_methods(File* f) { return f->real->pMethods; }

int flush(File* f) {
  f->ahead_size = 0;
  if (f->run_size == 0) return SQLITE_OK;
  int n = f->run_size;
  f->run_size = 0;
  return real_methods(f)->xWrite(f->real, f->buffer, n, f->run_at);
}

int x_close(sqlite3_file* file) {
  File* f = as_file(file);
  int rc = flush(f);
  int closed = real_methods(f)->xClose(f->real);
  sqlite3_free(f->buffer);
  f->buffer = nullptr;
  return rc != SQLITE_OK ? rc : closed;
}

int x_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  File* f = as_file(file);
  if (f->run_size != 0) {
    int rc = flush(f);
    if (rc != SQLITE_OK) return rc;
  }
  if (f->ahead_size != 0 && offset >= f->ahead_at &&
      offset + amount <= f->ahead_at + f->ahead_size) {
    std::memcpy(out, f->buffer + (offset - f->ahead_at), static_cast<std::size_t>(amount));
    f->last_end = offset + amount;
    return SQLITE_OK;
  }
  const bool sequential = offset == f->last_end;
  f->ahead_size = 0;
  f->last_end = offset + amount;
  if (!sequential || amount >= kRun) return real_methods(f)->xRead(f->real, out, amount, offset);
  // Read ahead, but only as far as the file goes: a short read would zero
  // the rest and say SQLITE_IOERR_SHORT_READ.
  sqlite3_int64 size = 0;
  int rc = real_methods(f)->xFileSize(f->real, &size);
  if (rc != SQLITE_OK) return rc;
  sqlite3_int64 want = std::min<sqlite3_int64>(kRun, size - offset);
  if (want <= amount) return real_methods(f)->xRead(f->real, out, amount, offset);
  rc = real_methods(f)->xRead(f->real, f->buffer, static_cast<int>(want), offset);
  if (rc != SQLITE_OK) return real_methods(f)->xRead(f->real, out, amount, offset);
  f->ahead_at = offset;
  f->ahead_size = static_cast<int>(want);
  std::memcpy(out, f->buffer, static_cast<std::size_t>(amount));
  return SQLITE_OK;
}

int x_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  File* f = as_file(file);
  f->ahead_size = 0;
  f->last_end = -1;
  if (f->run_size != 0 && offset == f->run_at + f->run_size && f->run_size + amount <= kRun) {
    std::memcpy(f->buffer + f->run_size, data, static_cast<std::size_t>(amount));
    f->run_size += amount;
    return SQLITE_OK;
  }
  int rc = flush(f);
  if (rc != SQLITE_OK) return rc;
  if (amount >= kRun) return real_methods(f)->xWrite(f->real, data, amount, offset);
  std::memcpy(f->buffer, data, static_cast<std::size_t>(amount));
  f->run_at = offset;
  f->run_size = amount;
  return SQLITE_OK;
}

// Every other call writes the run out first (invariant 1) and drops the
// read-ahead (invariant 2).
int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
  File* f = as_file(file);
  int rc = flush(f);
  f->last_end = -1;
  return rc != SQLITE_OK ? rc : real_methods(f)->xTruncate(f->real, size);
}

int x_sync(sqlite3_file* file, int flags) {
  File* f = as_file(file);
  int rc = flush(f);
  return rc != SQLITE_OK ? rc : real_methods(f)->xSync(f->real, flags);
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
  File* f = as_file(file);
  int rc = flush(f);
  return rc != SQLITE_OK ? rc : real_methods(f)->xFileSize(f->real, size);
}

int x_lock(sqlite3_file* file, int level) {
  File* f = as_file(file);
  int rc = flush(f);
  f->last_end = -1;
  return rc != SQLITE_OK ? rc : real_methods(f)->xLock(f->real, level);
}

int x_unlock(sqlite3_file* file, int level) {
  File* f = as_file(file);
  int rc = flush(f);
  f->last_end = -1;
  int unlocked = real_methods(f)->xUnlock(f->real, level);
  return rc != SQLITE_OK ? rc : unlocked;
}

int x_check_reserved_lock(sqlite3_file* file, int* out) {
  File* f = as_file(file);
  return real_methods(f)->xCheckReservedLock(f->real, out);
}

int x_file_control(sqlite3_file* file, int op, void* arg) {
  File* f = as_file(file);
  // The pager sends a size hint before each batch of pages it writes to a
  // growing file, including a cache spill of one page: it changes nothing
  // that a held-back run could make look different.
  if (op == SQLITE_FCNTL_SIZE_HINT) return real_methods(f)->xFileControl(f->real, op, arg);
  int rc = flush(f);
  f->last_end = -1;
  return rc != SQLITE_OK ? rc : real_methods(f)->xFileControl(f->real, op, arg);
}

int x_sector_size(sqlite3_file* file) {
  File* f = as_file(file);
  return real_methods(f)->xSectorSize(f->real);
}

int x_device_characteristics(sqlite3_file* file) {
  File* f = as_file(file);
  return real_methods(f)->xDeviceCharacteristics(f->real);
}

// The real file is placed after the File, 8-byte aligned.
constexpr int kRealOffset = (sizeof(File) + 7) / 8 * 8;

int x_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  File* f = as_file(file);
  std::memset(f, 0, sizeof(File));
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<unsigned char*>(file) + kRealOffset);
  f->buffer = static_cast<unsigned char*>(sqlite3_malloc(kRun));
  if (f->buffer == nullptr) return SQLITE_NOMEM;
  int rc = g_default->xOpen(g_default, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    // SQLite calls xClose only when pMethods is set; the default VFS may
    // have set its own on a failure, and then the real file is closed here.
    if (f->real->pMethods != nullptr) f->real->pMethods->xClose(f->real);
    sqlite3_free(f->buffer);
    f->buffer = nullptr;
    file->pMethods = nullptr;
    return rc;
  }
  f->last_end = -1;
  file->pMethods = &g_methods;
  return SQLITE_OK;
}

}  // namespace

const char* batching_vfs_name() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_default = sqlite3_vfs_find(nullptr);
    g_vfs = *g_default;
    g_vfs.pNext = nullptr;
    g_vfs.szOsFile = kRealOffset + g_default->szOsFile;
    g_vfs.zName = "folio-batching";
    g_vfs.xOpen = x_open;
    // Version 1: no shared memory (no WAL; folio uses the rollback journal)
    // and no memory-mapped pages (which SQLCipher does not use).
    g_methods = sqlite3_io_methods{};
    g_methods.iVersion = 1;
    g_methods.xClose = x_close;
    g_methods.xRead = x_read;
    g_methods.xWrite = x_write;
    g_methods.xTruncate = x_truncate;
    g_methods.xSync = x_sync;
    g_methods.xFileSize = x_file_size;
    g_methods.xLock = x_lock;
    g_methods.xUnlock = x_unlock;
    g_methods.xCheckReservedLock = x_check_reserved_lock;
    g_methods.xFileControl = x_file_control;
    g_methods.xSectorSize = x_sector_size;
    g_methods.xDeviceCharacteristics = x_device_characteristics;
    sqlite3_vfs_register(&g_vfs, 0);
  });
  return g_vfs.zName;
}

}  // namespace folio
