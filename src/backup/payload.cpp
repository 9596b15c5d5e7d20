// Base64, line splitting and buffering for the backup payload, and the
// file-descriptor sink and source of folio/backup.h.
#include "backup/payload.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "folio/error.h"
#include "folio/secret.h"

namespace folio {

void FdSink::write(std::span<const std::uint8_t> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      throw Error(Errc::io, std::string("cannot write the backup: ") + std::strerror(err),
                  err == ENOSPC ? "free some disk space, or write the backup elsewhere" : "");
    }
    done += static_cast<std::size_t>(n);
  }
}

std::size_t FdSource::read(std::span<std::uint8_t> out) {
  for (;;) {
    ssize_t n = ::read(fd_, out.data(), out.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR)
      throw Error(Errc::io, std::string("cannot read the backup: ") + std::strerror(errno));
  }
}

namespace backup {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string base64_encode(std::span<const std::uint8_t> in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  std::size_t rest = in.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t{in[i]} << 16;
    if (rest == 2) v |= std::uint32_t{in[i + 1]} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool base64_decode(std::string_view text, std::vector<std::uint8_t>& out) {
  out.clear();
  if (text.size() % 4 != 0) return false;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int pad = 0;
    if (last && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
    int v[4] = {0, 0, 0, 0};
    for (int k = 0; k < 4 - pad; ++k) {
      v[k] = value_of(text[i + static_cast<std::size_t>(k)]);
      if (v[k] < 0) return false;
    }
    std::uint32_t w = (std::uint32_t(v[0]) << 18) | (std::uint32_t(v[1]) << 12) |
                      (std::uint32_t(v[2]) << 6) | std::uint32_t(v[3]);
    out.push_back(static_cast<std::uint8_t>(w >> 16));
    if (pad < 2) out.push_back(static_cast<std::uint8_t>(w >> 8));
    if (pad < 1) out.push_back(static_cast<std::uint8_t>(w));
    // Canonical: the bits the padding leaves over must be zero.
    if ((pad == 1 && (w & 0xFF) != 0) || (pad == 2 && (w & 0xFFFF) != 0)) return false;
  }
  return true;
}

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
    throw Error(Errc::corrupt, "the backup is truncated (its last line is cut short)",
                "nothing was imported; use a complete copy of the backup");
  }
  if (s == Status::bad) {
    throw Error(Errc::corrupt,
                "line " + std::to_string(line_number_ + 1) + " of the backup is too long",
                "nothing was imported; this is not a folio backup, or it is damaged");
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
