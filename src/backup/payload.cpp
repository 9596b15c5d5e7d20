// Line splitting and buffering for the backup payload, and the
// file-descriptor sink and source of folio/backup.h.
#include "backup/payload.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/secret.h"

namespace folio {

void FdSink::write(std::span<const std::uint8_t> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      throw Error(Errc::io, trf("cannot write the backup: {0}", std::strerror(err)),
                  err == ENOSPC ? tr("free some disk space, or write the backup elsewhere") : "");
    }
    done += static_cast<std::size_t>(n);
  }
}

std::size_t FdSource::read(std::span<std::uint8_t> out) {
  for (;;) {
    ssize_t n = ::read(fd_, out.data(), out.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR)
      throw Error(Errc::io, trf("cannot read the backup: {0}", std::strerror(errno)));
  }
}

namespace backup {

LineReader::~LineReader() { wipe(buf_.data(), buf_.size()); }

LineReader::Status LineReader::try_next(std::string& line, std::size_t max) {
  line.clear();
  for (;;) {
    if (pos_ == len_) {
      if (eof_) break;
      pos_ = 0;
      len_ = in_.read(std::span<std::uint8_t>(buf_.data(), buf_.size()));
      if (len_ == 0) {
        eof_ = true;
        break;
      }
    }
    const auto* start = buf_.data() + pos_;
    const auto* nl = static_cast<const std::uint8_t*>(std::memchr(start, '\n', len_ - pos_));
    std::size_t take = nl ? static_cast<std::size_t>(nl - start) : len_ - pos_;
    if (line.size() + take > max) return Status::bad;
    line.append(reinterpret_cast<const char*>(start), take);
    pos_ += take;
    if (nl) {
      ++pos_;
      ++line_number_;
      return Status::line;
    }
  }
  return line.empty() ? Status::end : Status::bad;
}

bool LineReader::next(std::string& line, std::size_t max) {
  Status s = try_next(line, max);
  if (s == Status::bad && eof_ && pos_ == len_ && line.size() <= max) {
    throw Error(Errc::corrupt, tr("the backup is truncated (its last line is cut short)"),
                tr("nothing was imported; use a complete copy of the backup"));
  }
  if (s == Status::bad) {
    throw Error(Errc::corrupt,
                trf("line {0} of the backup is too long", line_number_ + 1),
                tr("nothing was imported; this is not a folio backup, or it is damaged"));
  }
  return s == Status::line;
}

BufferedSink::~BufferedSink() { wipe(buf_.data(), buf_.size()); }

void BufferedSink::line(std::string_view text) {
  if (buf_.size() + text.size() + 1 > kBlock) flush();
  if (text.size() + 1 > kBlock) {
    out_.write({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    static const std::uint8_t nl = '\n';
    out_.write({&nl, 1});
    return;
  }
  buf_.append(text);
  buf_ += '\n';
}

void BufferedSink::flush() {
  if (buf_.empty()) return;
  out_.write({reinterpret_cast<const std::uint8_t*>(buf_.data()), buf_.size()});
  wipe(buf_.data(), buf_.size());
  buf_.clear();
}

PipelinedSink::PipelinedSink(ByteSink& out) : out_(out) {
  for (auto& b : blocks_) free_.push_back(&b);
  thread_ = std::thread([this] { run(); });
}

PipelinedSink::~PipelinedSink() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& b : blocks_) wipe(b.bytes.data(), b.used);
}

void PipelinedSink::run() {
  for (;;) {
    Block* block = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !full_.empty() || ending_; });
      if (stopping_ || full_.empty()) return;  // dropped, or everything passed on
      block = full_.front();
      full_.pop_front();
    }
    try {
      if (block->use)
        block->use({block->bytes.data(), block->used});
      else
        out_.write({block->bytes.data(), block->used});
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      failure_ = std::current_exception();
      stopping_ = true;
      changed_.notify_all();
      return;
    }
    wipe(block->bytes.data(), block->used);
    block->used = 0;
    block->use = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      free_.push_back(block);
    }
    changed_.notify_all();
  }
}

void PipelinedSink::rethrow_failure() {
  // Under mutex_.
  if (failure_) std::rethrow_exception(failure_);
  if (stopping_) throw Error(Errc::internal, "PipelinedSink used after it stopped");
}

void PipelinedSink::hand_over() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    rethrow_failure();
    full_.push_back(current_);
    current_ = nullptr;
  }
  changed_.notify_all();
}

PipelinedSink::Block* PipelinedSink::take_free() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return stopping_ || !free_.empty(); });
  rethrow_failure();
  Block* block = free_.front();
  free_.pop_front();
  return block;
}

void PipelinedSink::write(std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    if (current_ == nullptr) current_ = take_free();
    const std::size_t take = std::min(bytes.size(), kBlock - current_->used);
    std::memcpy(current_->bytes.data() + current_->used, bytes.data(), take);
    current_->used += take;
    bytes = bytes.subspan(take);
    if (current_->used == kBlock) hand_over();
  }
}

void PipelinedSink::process(std::span<const std::uint8_t> bytes, Use use) {
  if (bytes.size() > kBlock) throw Error(Errc::internal, "PipelinedSink::process of more than a block");
  Block* block = take_free();
  if (!bytes.empty()) std::memcpy(block->bytes.data(), bytes.data(), bytes.size());
  block->used = bytes.size();
  block->use = std::move(use);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    full_.push_back(block);
  }
  changed_.notify_all();
}

void PipelinedSink::then(std::function<void()> check) {
  process({}, [check = std::move(check)](std::span<const std::uint8_t>) { check(); });
}

void PipelinedSink::finish() {
  if (current_ != nullptr && current_->used > 0) hand_over();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ending_ = true;
  }
  changed_.notify_all();
  thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  if (failure_) std::rethrow_exception(failure_);
}

PipelinedSource::PipelinedSource(ByteSource& in) : in_(in) {
  for (auto& b : blocks_) free_.push_back(&b);
  thread_ = std::thread([this] { run(); });
}

PipelinedSource::~PipelinedSource() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& b : blocks_) wipe(b.bytes.data(), b.used);
}

void PipelinedSource::run() {
  for (;;) {
    Block* block = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !free_.empty(); });
      if (stopping_) return;
      block = free_.front();
      free_.pop_front();
    }
    block->used = 0;
    try {
      while (block->used < kBlock) {
        const std::size_t n = in_.read({block->bytes.data() + block->used, kBlock - block->used});
        if (n == 0) {
          block->end = true;
          break;
        }
        block->used += n;
      }
    } catch (...) {
      block->failure = std::current_exception();
      block->end = true;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      full_.push_back(block);
    }
    changed_.notify_all();
    if (block->end) return;
  }
}

std::size_t PipelinedSource::read(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    if (current_ == nullptr) {
      if (done > 0) break;  // what is here first, then wait
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this] { return !full_.empty(); });
      current_ = full_.front();
      full_.pop_front();
      pos_ = 0;
    }
    const std::size_t take = std::min(out.size() - done, current_->used - pos_);
    if (take > 0) std::memcpy(out.data() + done, current_->bytes.data() + pos_, take);
    pos_ += take;
    done += take;
    if (pos_ == current_->used) {
      if (current_->end) {
        // Kept: every later read ends here too.
        if (done == 0 && current_->failure) std::rethrow_exception(current_->failure);
        return done;
      }
      wipe(current_->bytes.data(), current_->used);
      current_->used = 0;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        free_.push_back(current_);
      }
      changed_.notify_all();
      current_ = nullptr;
    }
  }
  return done;
}

}  // namespace backup
}  // namespace folio
