// The pieces the payload writer and reader share: record names, sizes, and a
// line reader with a bound on the line length.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
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
// so that making the payload (SQLCipher reads, base64) and hashing,
// encrypting and writing it run on two cores at once. Plaintext stays in
// kBlocks blocks of sodium_malloc memory, each wiped once used.
//
//   PipelinedSink pipe(out);
//   ... pipe.write(bytes) ...      // may rethrow an error of the thread
//   pipe.process(bytes, use);      // use(copy of bytes) on the thread
//   pipe.then(check);              // check() on the thread, after the above
//   pipe.finish();                 // everything done; rethrows too
//
// `out`, `use` and `check` run only on the thread, in the order they were
// queued (writes in blocks: a write may be passed on after a later
// process() or then()), and only until finish() returns or the destructor
// runs (which, without finish(), drops what is queued and waits for the
// step in progress). The first exception of the thread is rethrown by the
// next write(), process(), then() or finish(); nothing runs after it.
class PipelinedSink : public ByteSink {
 public:
  explicit PipelinedSink(ByteSink& out);
  ~PipelinedSink() override;
  PipelinedSink(const PipelinedSink&) = delete;
  PipelinedSink& operator=(const PipelinedSink&) = delete;
  void write(std::span<const std::uint8_t> bytes) override;
  using Use = std::function<void(std::span<const std::uint8_t>)>;
  void process(std::span<const std::uint8_t> bytes, Use use);  // bytes: at most kBlock
  void then(std::function<void()> check);
  void finish();

  static constexpr std::size_t kBlock = 256 << 10;

 private:
  static constexpr std::size_t kBlocks = 6;
  struct Block {
    Secret bytes{kBlock};
    std::size_t used = 0;
    Use use;  // empty: the bytes go to out
  };
  Block* take_free();  // waits for a free block
  void hand_over();    // queues the current block
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

// A source that reads `in` ahead on a second thread, in blocks, so that
// decrypting a backup (age) and storing its records (SQLCipher) run on two
// cores at once. Errors of `in` come out of read() where they happened in
// the stream: the bytes before them first, as `in` gave them. Plaintext
// stays in kBlocks blocks of sodium_malloc memory, wiped once read.
//
// `in` is read only by the thread, until the destructor, which waits for
// the read in progress (for a pipe whose writer stalls, as long as it
// stalls) and drops what was read ahead.
class PipelinedSource : public ByteSource {
 public:
  explicit PipelinedSource(ByteSource& in);
  ~PipelinedSource() override;
  PipelinedSource(const PipelinedSource&) = delete;
  PipelinedSource& operator=(const PipelinedSource&) = delete;
  std::size_t read(std::span<std::uint8_t> out) override;

 private:
  static constexpr std::size_t kBlock = 256 << 10;
  static constexpr std::size_t kBlocks = 4;
  struct Block {
    Secret bytes{kBlock};
    std::size_t used = 0;
    bool end = false;             // the last block: the input ended, or failed
    std::exception_ptr failure;   // why, if it failed
  };
  void run();  // the thread

  ByteSource& in_;
  Block blocks_[kBlocks];
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Block*> free_, full_;  // under mutex_
  bool stopping_ = false;
  Block* current_ = nullptr;  // the reader's, outside the queues
  std::size_t pos_ = 0;
  std::thread thread_;
};

}  // namespace folio::backup
