// The fuzz input as a byte source, handed out in reads of at most `Chunk`
// bytes, so that the reader's buffering is exercised as a pipe would.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

template <class Source, std::size_t Chunk>
class MemorySource : public Source {
 public:
  MemorySource(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::size_t read(std::span<std::uint8_t> out) override {
    const std::size_t n = std::min({out.size(), size_ - pos_, Chunk});
    if (n > 0) std::memcpy(out.data(), data_ + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};
