// folio's ranking of search hits: a BM25-style weight of each phrase of a
// query in each column of a record, without length normalisation. The SQL
// function folio_rank(matchinfo(search, 'pcnx')) sums it over a row's
// phrases and columns; Search::find computes it in C++ for a query of one
// phrase (src/search/search.cpp).
#pragma once

namespace folio {

// The weight of a phrase found `hits` times in a column of a record, when
// `docs` of the `rows` records indexed hold it: idf * hits * (k + 1) / (hits + k),
// k = 1.2, idf = ln(1 + (rows - docs + 0.5) / (docs + 0.5)). 0 without a hit.
double phrase_score(double hits, double docs, double rows);

// The same in two steps, for a caller that scores many rows with one idf:
// phrase_score(h, d, r) == phrase_score_with(phrase_idf(d, r), h), bit for bit.
double phrase_idf(double docs, double rows);
double phrase_score_with(double idf, double hits);

}  // namespace folio
