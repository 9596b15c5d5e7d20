// The pieces the payload writer and reader share: record names, sizes, and a
// line reader with a bound on the line length.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <span>
#include <thread>
#include <string>
#include <string_view>
#include <vector>

#include "folio/backup.h"
#include "folio/secret.h"

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

// A sink that passes its bytes on to `out` from a second thread, in blocks,
// so that making the payload (SQLCipher reads, hashes, base64) and
// encrypting and writing it run on two cores at once. Plaintext stays in
// kBlocks blocks of sodium_malloc memory, each wiped once passed on.
//
//   PipelinedSink pipe(out);
//   ... pipe.write(bytes) ...      // may rethrow an error of out.write
//   pipe.finish();                 // everything passed on; rethrows too
//
// `out` is written only by the thread, and only until finish() returns or
// the destructor runs (which, without finish(), drops what is queued and
// waits for the write in progress). An error of `out` is rethrown by the
// next write() or by finish(); nothing more is passed on after it.
class PipelinedSink : public ByteSink {
 public:
  explicit PipelinedSink(ByteSink& out);
  ~PipelinedSink() override;
  PipelinedSink(const PipelinedSink&) = delete;
  PipelinedSink& operator=(const PipelinedSink&) = delete;
  void write(std::span<const std::uint8_t> bytes) override;
  void finish();

 private:
  static constexpr std::size_t kBlock = 256 << 10;
  static constexpr std::size_t kBlocks = 4;
  struct Block {
    Secret bytes{kBlock};
    std::size_t used = 0;
  };
  void hand_over();  // queues the current block
  void run();        // the thread
  void rethrow_failure();

  ByteSink& out_;
  Block blocks_[kBlocks];
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Block*> free_, full_;  // under mutex_
  bool ending_ = false, stopping_ = false;
  std::exception_ptr failure_;
  Block* current_ = nullptr;  // the writer's, outside the queues
  std::thread thread_;
};

}  // namespace folio::backup
