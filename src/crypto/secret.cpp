// The only place that allocates secret memory. Everything else holds a Secret.
#include "folio/secret.h"

#include <sodium.h>

#include <cstring>
#include <utility>

#include "folio/error.h"

namespace folio {

Secret::Secret(std::size_t size) {
  if (size == 0) return;
  // sodium_malloc aborts before sodium_init(); the call is cheap and idempotent.
  if (sodium_init() < 0) throw Error(Errc::internal, "libsodium could not be initialised");
  // sodium_malloc places the buffer against a guard page, mlocks it, and
  // sodium_free zeroes it before unmapping.
  void* p = sodium_malloc(size);
  if (p == nullptr) {
    throw Error(Errc::internal, "could not allocate locked memory for a secret",
                "raise the locked-memory limit (ulimit -l)");
  }
  std::memset(p, 0, size);
  data_ = static_cast<std::uint8_t*>(p);
  size_ = size;
  capacity_ = size;
}

std::uint8_t* Secret::empty_byte() noexcept {
  // Only ever read through a zero size; one byte so the address is real.
  static std::uint8_t none = 0;
  return &none;
}

Secret::~Secret() {
  if (data_ != nullptr) sodium_free(data_);
}

Secret::Secret(Secret&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) sodium_free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

Secret Secret::from(std::string_view bytes) {
  Secret s(bytes.size());
  if (!bytes.empty()) std::memcpy(s.data(), bytes.data(), bytes.size());
  return s;
}

void Secret::truncate(std::size_t new_size) noexcept {
  if (new_size >= size_) return;
  sodium_memzero(data_ + new_size, size_ - new_size);
  size_ = new_size;
}

bool Secret::equals(const Secret& other) const noexcept {
  if (size_ != other.size_) return false;
  if (size_ == 0) return true;
  return sodium_memcmp(data_, other.data_, size_) == 0;
}

void random_bytes(void* out, std::size_t size) { randombytes_buf(out, size); }

void wipe(void* data, std::size_t size) noexcept {
  if (data != nullptr && size > 0) sodium_memzero(data, size);
}

}  // namespace folio

#include "folio/version.h"

namespace folio {

std::string sodium_version() { return sodium_version_string(); }

}  // namespace folio
