// Buffered reads over a Source: the header is read a line at a time and the
// payload in chunks from the same buffer, so no byte is read twice or lost
// between the two.
#include <algorithm>
#include <cstring>

#include "age/format.h"

namespace folio::age::detail {

bool Input::fill() {
  if (at_end_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) return true;
  const std::size_t n = source_.read(std::span(buffer_).subspan(end_));
  if (n == 0) at_end_ = true;
  end_ += n;
  return n > 0;
}

std::string_view Input::peek(std::size_t n) {
  n = std::min(n, buffer_.size());
  while (end_ - begin_ < n && fill()) {
  }
  return {reinterpret_cast<const char*>(buffer_.data() + begin_), std::min(n, end_ - begin_)};
}

std::optional<Input::Line> Input::line(std::size_t max) {
  Line out;
  bool any = false;
  while (true) {
    if (begin_ == end_ && !fill()) break;
    any = true;
    const auto* start = buffer_.data() + begin_;
    const std::size_t avail = end_ - begin_;
    const std::size_t room = max + 1 - out.text.size();
    const auto* lf =
        static_cast<const std::uint8_t*>(std::memchr(start, '\n', std::min(avail, room)));
    if (lf != nullptr) {
      const auto len = static_cast<std::size_t>(lf - start);
      out.text.append(reinterpret_cast<const char*>(start), len);
      begin_ += len + 1;
      out.ended = true;
      return out;
    }
    const std::size_t take = std::min(avail, room);
    out.text.append(reinterpret_cast<const char*>(start), take);
    begin_ += take;
    if (out.text.size() > max) return out;
  }
  if (!any) return std::nullopt;
  return out;
}

std::size_t Input::read(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    if (begin_ == end_) {
      // Large reads bypass the buffer.
      if (at_end_) break;
      if (out.size() - done >= buffer_.size()) {
        const std::size_t n = source_.read(out.subspan(done));
        if (n == 0) {
          at_end_ = true;
          break;
        }
        done += n;
        continue;
      }
      if (!fill()) break;
    }
    const std::size_t take = std::min(out.size() - done, end_ - begin_);
    std::memcpy(out.data() + done, buffer_.data() + begin_, take);
    begin_ += take;
    done += take;
  }
  return done;
}

}  // namespace folio::age::detail
