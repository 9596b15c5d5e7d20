#include "folio/kdf.h"
#include "support.h"

using folio::is_below_floor;
using folio::is_within_bounds;
using folio::KdfParams;

namespace {
constexpr std::uint64_t KiB = 1024;
constexpr std::uint64_t MiB = 1024 * KiB;
constexpr std::uint64_t GiB = 1024 * MiB;
}  // namespace

TEST_CASE("the cheapest KDF parameters are within bounds and below the floor", "[crypto]") {
  CHECK(folio::kKdfCheapest == KdfParams{1, 8 * KiB});
  CHECK(is_within_bounds(folio::kKdfCheapest));
  CHECK(is_below_floor(folio::kKdfCheapest));
}

TEST_CASE("KDF passes are within bounds from 1 to 64", "[crypto]") {
  CHECK_FALSE(is_within_bounds({0, 64 * MiB}));
  CHECK(is_within_bounds({1, 64 * MiB}));
  CHECK(is_within_bounds({64, 64 * MiB}));
  CHECK_FALSE(is_within_bounds({65, 64 * MiB}));
  CHECK_FALSE(is_within_bounds({0xffffffffu, 64 * MiB}));
}

TEST_CASE("KDF memory is within bounds from 8 KiB to 4 GiB in whole KiB", "[crypto]") {
  CHECK_FALSE(is_within_bounds({1, 0}));
  CHECK_FALSE(is_within_bounds({1, 7 * KiB}));
  CHECK_FALSE(is_within_bounds({1, 8 * KiB - 1}));
  CHECK(is_within_bounds({1, 8 * KiB}));
  CHECK_FALSE(is_within_bounds({1, 8 * KiB + 1}));
  CHECK_FALSE(is_within_bounds({1, 8 * KiB + 512}));
  CHECK(is_within_bounds({1, 9 * KiB}));
  CHECK(is_within_bounds({1, 4 * GiB}));
  CHECK_FALSE(is_within_bounds({1, 4 * GiB + KiB}));
  CHECK_FALSE(is_within_bounds({1, 8 * GiB}));
  CHECK_FALSE(is_within_bounds({1, ~std::uint64_t{0}}));
}

TEST_CASE("the floor is 2 passes and 256 MiB, each checked on its own", "[crypto]") {
  CHECK_FALSE(is_below_floor({2, 256 * MiB}));
  CHECK_FALSE(is_below_floor({3, 1 * GiB}));
  CHECK(is_below_floor({1, 256 * MiB}));
  CHECK(is_below_floor({2, 256 * MiB - KiB}));
  CHECK(is_below_floor({64, 255 * MiB}));
  CHECK(is_below_floor({1, 4 * GiB}));
  CHECK(folio::kKdfFloorOps == 2);
  CHECK(folio::kKdfFloorMemory == 256 * MiB);
}
