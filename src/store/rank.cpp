// folio's BM25-style weight of a phrase in a record (src/store/rank.h).
#include <cmath>

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

}  // namespace folio
