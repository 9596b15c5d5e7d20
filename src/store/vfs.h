// The SQLite VFS every folio connection opens its files through: the
// default (unix) one, with fewer system calls for long runs of pages.
#pragma once

namespace folio {

// Registers the VFS on first use (thread-safe) and returns its name, for
// sqlite3_open_v2. What it changes, and why it keeps SQLite's guarantees, is
// said at the top of vfs.cpp.
const char* batching_vfs_name();

}  // namespace folio
