// The age ASCII armor (age.md, "ASCII armor"): strict PEM (RFC 7468, figure 3)
// with the label "AGE ENCRYPTED FILE", padded base64 in lines of exactly 64
// columns but the last. Reading accepts LF or CRLF line ends and whitespace
// before and after the block, and nothing else: a line too long or too
// short, an empty line, a header, a checksum, non-canonical base64 or data
// after the end line are armor failures.
#include <algorithm>

#include "age/format.h"

namespace folio::age::detail {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The armor's own line, without its LF or CRLF; nullopt at the end of input.
std::optional<std::string> armor_line(Input& in, std::size_t max) {
  auto line = in.line(max + 1);  // + 1 for a CR
  if (!line) return std::nullopt;
  if (!line->text.empty() && line->text.back() == '\r') line->text.pop_back();
  if (line->text.size() > max)
    fail(Failure::armor, tr("an armored age file has a line over 64 columns"));
  return std::move(line->text);
}

}  // namespace

ArmorSink::ArmorSink(Sink& out) : out_(out) {
  text_ = kArmorBegin;
  text_ += '\n';
}

// Lines are gathered and handed to the Sink about 64 KiB at a time, not one
// 65-byte write per line.
void ArmorSink::flush_line() {
  text_ += base64_encode_padded({pending_.data(), used_});
  text_ += '\n';
  used_ = 0;
  if (text_.size() >= kChunkSize) {
    out_.write(bytes_of(text_));
    text_.clear();
  }
}

void ArmorSink::write(std::span<const std::uint8_t> bytes) {
  for (std::uint8_t b : bytes) {
    // A full line is written only when more follows, so the last line is never empty.
    if (used_ == pending_.size()) flush_line();
    pending_[used_++] = b;
  }
}

void ArmorSink::finish() {
  if (used_ > 0) flush_line();
  text_ += kArmorEnd;
  text_ += '\n';
  out_.write(bytes_of(text_));
  text_.clear();
}

void ArmorSource::next_line() {
  if (!begun_) {
    // Whitespace may come before the block.
    std::optional<std::string> line;
    while (true) {
      line = armor_line(in_, kColumns);
      if (!line) fail(Failure::armor, tr("this is not an age file (nor an armored one)"));
      if (!std::all_of(line->begin(), line->end(), is_space)) break;
    }
    if (*line != kArmorBegin) fail(Failure::armor, tr("this is not an age file (nor an armored one)"));
    begun_ = true;
  }
  auto line = armor_line(in_, kColumns);
  if (!line) fail(Failure::armor, tr("the armored age file has no end line (it is truncated)"));
  if (*line == kArmorEnd) {
    ended_ = true;
    // Only whitespace may follow.
    while (auto rest = in_.line(kColumns)) {
      if (!std::all_of(rest->text.begin(), rest->text.end(), is_space)) {
        fail(Failure::armor, tr("the armored age file has data after its end line"));
      }
    }
    return;
  }
  if (padded_ || short_line_) {
    fail(Failure::armor, tr("an armored age file has a short line before its last"));
  }
  if (line->empty()) fail(Failure::armor, tr("an armored age file has an empty line"));
  auto decoded = base64_decode_padded(*line);
  if (!decoded) fail(Failure::armor, tr("an armored age file has a line that is not canonical base64"));
  padded_ = line->back() == '=';
  short_line_ = line->size() < kColumns;
  std::copy(decoded->begin(), decoded->end(), decoded_.begin());
  pos_ = 0;
  len_ = decoded->size();
}

std::size_t ArmorSource::read(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    if (pos_ == len_) {
      if (ended_) break;
      next_line();
      continue;
    }
    const std::size_t take = std::min(out.size() - done, len_ - pos_);
    std::copy_n(decoded_.begin() + static_cast<std::ptrdiff_t>(pos_), take,
                out.begin() + static_cast<std::ptrdiff_t>(done));
    pos_ += take;
    done += take;
  }
  return done;
}

}  // namespace folio::age::detail
