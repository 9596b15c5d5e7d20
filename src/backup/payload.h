// The pieces the payload writer and reader share: record names, sizes, and a
// line reader with a bound on the line length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "folio/backup.h"

namespace folio::backup {

// Raw attachment bytes per "chunk" line: 48 KiB, 64 KiB once in base64.
inline constexpr std::size_t kChunkRaw = 48 << 10;
// The most a reader accepts in one chunk line (raw bytes).
inline constexpr std::size_t kMaxChunkRaw = 1 << 20;
// Attachments are stored in the vault in chunks of this size (as attach does).
inline constexpr std::size_t kStoredChunk = 1 << 20;
// The first line must be short: a file that is not a backup is told apart
// without reading much of it.
inline constexpr std::size_t kMaxHeaderLine = 4096;
// Any other line (an entry body is one line of JSON).
inline constexpr std::size_t kMaxLine = 64 << 20;
// What one line may hold, so that a crafted line cannot take gigabytes as a
// parsed tree (a parsed value costs some 50 times its JSON): records are an
// object of text, numbers and lists of text, and a later version gets room.
inline constexpr int kMaxDepth = 8;
inline constexpr std::size_t kMaxValues = 1 << 16;

// Splits a source into lines, each ending in '\n'.
class LineReader {
 public:
  explicit LineReader(ByteSource& in) : in_(in), buf_(64 << 10) {}
  ~LineReader();
  // The next line without its '\n'; false at the end of the input. A last
  // line without '\n', or one longer than `max`, is Error(corrupt).
  bool next(std::string& line, std::size_t max);
  // The same without the two errors: a line longer than `max`, or cut short,
  // is `bad`. Errors of the source itself still propagate.
  enum class Status { line, end, bad };
  Status try_next(std::string& line, std::size_t max);
  std::size_t line_number() const { return line_number_; }

 private:
  ByteSource& in_;
  std::vector<std::uint8_t> buf_;
  std::size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
  std::size_t line_number_ = 0;
};

// A sink that collects lines into blocks before passing them on, so that the
// age layer sees large writes.
class BufferedSink {
 public:
  explicit BufferedSink(ByteSink& out) : out_(out) { buf_.reserve(kBlock); }
  ~BufferedSink();
  void line(std::string_view text);  // writes text and '\n'
  void flush();

 private:
  static constexpr std::size_t kBlock = 256 << 10;
  ByteSink& out_;
  std::string buf_;
};

}  // namespace folio::backup
