// folio/secret.h: the owning buffer every key, passphrase and recovery code
// lives in.
//
// Memory comes from sodium_malloc: guard pages on both sides, mlock'ed so it is
// not swapped out (where the locked-memory limit allows: libsodium 1.0.18 goes
// on silently when mlock fails), and zeroed by sodium_free when the Secret dies. A Secret is
// move-only and never converts to std::string; read it through data()/view().
//
//   folio::Secret key(32);
//   folio::random_bytes(key.data(), key.size());
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace folio {

class Secret {
 public:
  Secret() noexcept = default;
  // Allocates `size` bytes, zero-filled. Throws Error(internal) if the
  // allocation fails.
  explicit Secret(std::size_t size);
  ~Secret();

  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;

  // Copies `bytes` into a new Secret. The caller remains responsible for
  // wiping its own copy.
  static Secret from(std::string_view bytes);

  // Never null, even when empty: libsodium declares its pointer arguments
  // non-null, and an empty passphrase is still a passphrase.
  std::uint8_t* data() noexcept { return data_ != nullptr ? data_ : empty_byte(); }
  const std::uint8_t* data() const noexcept { return data_ != nullptr ? data_ : empty_byte(); }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  std::string_view view() const noexcept {
    return {reinterpret_cast<const char*>(data()), size_};
  }

  // Shrinks the visible size (the allocation stays; the tail is zeroed).
  void truncate(std::size_t new_size) noexcept;

  // Constant-time comparison.
  bool equals(const Secret& other) const noexcept;

 private:
  static std::uint8_t* empty_byte() noexcept;

  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

// Fills `out` with bytes from the operating system's CSPRNG (randombytes_buf).
void random_bytes(void* out, std::size_t size);

// Overwrites memory in a way the compiler may not optimise away (sodium_memzero).
void wipe(void* data, std::size_t size) noexcept;

}  // namespace folio
