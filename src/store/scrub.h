// Closes a gap that SQLite's secure_delete leaves: when a rebalance rebuilds
// a B-tree page, the bytes of cells that moved to another page stay in the
// page's unused space, between its cell pointers and its cells, and survive
// the later deletion of the cell they copy (docs/THREAT_MODEL.md, "Deletion
// and rollback"). SQLite never reads that space.
//
// folio opens every database through a VFS of its own, a thin layer over
// SQLite's default one. Once a database file is given its raw key
// (scrub_pages_with), each page SQLite writes to it is decrypted there; if it
// is a B-tree page whose unused space holds anything but zeros, and its HMAC
// holds, the page is encrypted again as SQLCipher would (a fresh IV and
// filler, a new HMAC) with that space zeroed, and written instead. So no
// page on the disk keeps such bytes, and SQLite's own journal keeps the
// write crash-safe. Any other page (overflow, free-list), or one that does
// not authenticate or parse, is written exactly as SQLCipher made it.
// docs/THREAT_MODEL.md ("Deletion and rollback") gives the measurements.
#pragma once

#include <sqlite3.h>

#include "folio/secret.h"

namespace folio {

// The VFS's name for sqlite3_open_v2; registers it on first use (once per
// process, thread-safe). Error(internal) if SQLite refuses it.
const char* scrub_vfs_name();

// From now on, pages written to the file of `schema` ("main") of `db`,
// opened through scrub_vfs_name(), are scrubbed under the raw 32-byte
// SQLCipher key `key`, which is copied. Nothing happens for a file on
// another VFS; false then. Page 1 turns it off for a database that uses
// auto_vacuum, whose pointer-map pages cannot be told from B-tree pages by
// their first byte (folio never turns it on).
bool scrub_pages_with(sqlite3* db, const char* schema, const Secret& key);

// Pages scrubbed by this process so far (for tests and benchmarks).
long scrubbed_page_count();

// Only for tests/tools/churn, which shows what the scrubber prevents: while
// off, keyed files are written as SQLCipher makes them. On by default.
void set_page_scrubbing(bool on);

}  // namespace folio
