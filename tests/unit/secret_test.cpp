#include <algorithm>
#include <cstring>
#include <utility>

#include "folio/secret.h"
#include "support.h"

using folio::Secret;

namespace {

bool all_zero(const std::uint8_t* p, std::size_t n) {
  return std::all_of(p, p + n, [](std::uint8_t b) { return b == 0; });
}

}  // namespace

TEST_CASE("a new secret is zero-filled", "[crypto]") {
  Secret s(64);
  REQUIRE(s.size() == 64);
  REQUIRE_FALSE(s.empty());
  REQUIRE(s.data() != nullptr);
  CHECK(all_zero(s.data(), s.size()));
}

TEST_CASE("a default or zero-sized secret is empty, yet its data pointer is valid", "[crypto]") {
  // libsodium declares its pointer arguments non-null, so an empty passphrase
  // (a known-answer test has one) must still hand it a real address.
  Secret a;
  Secret b(0);
  CHECK(a.empty());
  CHECK(a.data() != nullptr);
  CHECK(b.empty());
  CHECK(b.data() != nullptr);
  CHECK(a.view().empty());
  CHECK(a.equals(b));
}

TEST_CASE("moving a secret leaves the source empty", "[crypto]") {
  Secret a = Secret::from("hunter2");
  const std::uint8_t* buffer = a.data();

  Secret b(std::move(a));
  CHECK(a.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is the contract
  CHECK(a.data() != buffer);
  CHECK(b.data() == buffer);
  CHECK(b.view() == "hunter2");

  Secret c(4);
  c = std::move(b);
  CHECK(b.empty());  // NOLINT(bugprone-use-after-move)
  CHECK(b.data() != buffer);
  CHECK(c.view() == "hunter2");
}

TEST_CASE("move-assigning a secret to itself keeps its content", "[crypto]") {
  Secret a = Secret::from("same");
  Secret& alias = a;
  a = std::move(alias);
  CHECK(a.view() == "same");
}

TEST_CASE("from() copies the bytes, including NUL bytes", "[crypto]") {
  const std::string bytes("ab\0cd", 5);
  Secret s = Secret::from(bytes);
  REQUIRE(s.size() == 5);
  CHECK(s.view() == bytes);
  CHECK(Secret::from("").empty());
}

TEST_CASE("equals compares size and every byte", "[crypto]") {
  Secret a = Secret::from("correct horse");
  CHECK(a.equals(Secret::from("correct horse")));
  CHECK_FALSE(a.equals(Secret::from("correct horsf")));  // last byte differs
  CHECK_FALSE(a.equals(Secret::from("Correct horse")));  // first byte differs
  CHECK_FALSE(a.equals(Secret::from("correct hors")));   // shorter
  CHECK_FALSE(a.equals(Secret::from("correct horse!")));  // longer
  CHECK_FALSE(a.equals(Secret()));
  CHECK(Secret().equals(Secret(0)));
}

TEST_CASE("truncate shrinks the visible size and zeroes the tail", "[crypto]") {
  Secret s = Secret::from("0123456789");
  s.truncate(4);
  CHECK(s.size() == 4);
  CHECK(s.view() == "0123");
  // The allocation stays; the cut bytes must not survive in it.
  CHECK(all_zero(s.data() + 4, 6));
}

TEST_CASE("truncate to a larger size changes nothing", "[crypto]") {
  Secret s = Secret::from("abc");
  s.truncate(10);
  CHECK(s.view() == "abc");
  s.truncate(3);
  CHECK(s.view() == "abc");
  s.truncate(0);
  CHECK(s.empty());
}

TEST_CASE("random_bytes fills a buffer and wipe zeroes it", "[crypto]") {
  std::uint8_t a[32] = {};
  std::uint8_t b[32] = {};
  folio::random_bytes(a, sizeof a);
  folio::random_bytes(b, sizeof b);
  CHECK(std::memcmp(a, b, sizeof a) != 0);  // 2^-256 chance of a false failure
  CHECK_FALSE(all_zero(a, sizeof a));
  folio::wipe(a, sizeof a);
  CHECK(all_zero(a, sizeof a));
  folio::wipe(nullptr, 0);  // allowed, does nothing
}
