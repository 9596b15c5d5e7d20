// folio_rank(matchinfo(search, 'pcnx')): a BM25-style score computed from
// FTS4's matchinfo, registered on every connection (see Database::open).
#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "store/rank.h"

namespace folio {

double phrase_idf(double docs, double rows) { return std::log(1.0 + (rows - docs + 0.5) / (docs + 0.5)); }

double phrase_score_with(double idf, double hits) {
  if (hits <= 0) return 0;
  constexpr double k = 1.2;
  return idf * hits * (k + 1) / (hits + k);
}

double phrase_score(double hits, double docs, double rows) {
  return phrase_score_with(phrase_idf(docs, rows), hits);
}

namespace {

extern "C" void folio_rank(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc != 1) {
    sqlite3_result_error(ctx, "folio_rank takes one argument", -1);
    return;
  }
  const auto* blob = static_cast<const std::uint8_t*>(sqlite3_value_blob(argv[0]));
  int bytes = sqlite3_value_bytes(argv[0]);
  auto at = [&](int i) {
    std::uint32_t v = 0;
    std::memcpy(&v, blob + 4 * i, 4);
    return static_cast<double>(v);
  };
  if (blob == nullptr || bytes < 12) {
    sqlite3_result_double(ctx, 0);
    return;
  }
  int phrases = static_cast<int>(at(0));
  int columns = static_cast<int>(at(1));
  double rows = at(2);
  if (bytes < 4 * (3 + 3 * phrases * columns)) {
    sqlite3_result_error(ctx, "folio_rank: short matchinfo", -1);
    return;
  }
  double score = 0;
  for (int p = 0; p < phrases; ++p) {
    for (int c = 0; c < columns; ++c) {
      int base = 3 + 3 * (p * columns + c);
      score += phrase_score(at(base), at(base + 2), rows);
    }
  }
  sqlite3_result_double(ctx, score);
}

}  // namespace

void register_rank_function(sqlite3* db) {
  sqlite3_create_function(db, "folio_rank", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, folio_rank,
                          nullptr, nullptr);
}

}  // namespace folio
