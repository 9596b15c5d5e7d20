// File-system steps with the durability and permission rules of a vault:
// folders 0700, files 0600, replacement by temp file + fsync + rename + fsync
// of the folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace folio {

// Creates `dir` (and missing parents, those 0700 too) or checks an existing one
// is a folder; then sets it to 0700. Error(io) on failure.
void make_private_dir(const std::filesystem::path& dir);

// Writes `bytes` to `path` atomically: `path`.tmp created 0600 (O_EXCL), written,
// fsynced, renamed over `path`, folder fsynced. On failure the temp file is
// removed and `path` is unchanged. Error(io).
void replace_file(const std::filesystem::path& path, std::span<const std::uint8_t> bytes);

// Reads a whole file, at most `limit` + 1 bytes (so the caller can tell a file
// that is too long). Error(io).
std::vector<std::uint8_t> read_file(const std::filesystem::path& path, std::size_t limit);

void fsync_dir(const std::filesystem::path& dir);

// Overwrites a regular file in place with random bytes, syncs it, and
// unlinks it, so the blocks that held it keep nothing readable. A missing
// file is fine; a symbolic link, a FIFO or another special file is only
// unlinked, what it points to left alone. Error(io).
void overwrite_and_remove(const std::filesystem::path& file);

// An Error(io) for a failed system call, naming `what` (a message already in
// the user's language) and errno's text.
[[noreturn]] void throw_io(const std::string& what, int err);

// The same, for a message about one file: `pattern` is an English message
// marked with N_ ("cannot read {0}"), translated here, with {0} = `path`.
// Taking `err` as an argument (not reading errno after translating) keeps
// errno's value from the failed call.
[[noreturn]] void throw_io(const char* pattern, const std::filesystem::path& path, int err);

}  // namespace folio
