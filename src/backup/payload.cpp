// Line splitting and buffering for the backup payload, and the
// file-descriptor sink and source of folio/backup.h.
#include "backup/payload.h"

#include <unistd.h>

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

}  // namespace backup
}  // namespace folio
