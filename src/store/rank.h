// folio's ranking of search hits: a BM25-style weight of each phrase of a
// query in a record, without length normalisation; a record's score is the
// sum over the query's phrases (src/search/search.cpp). The same figures as
// schema 4's SQL function over FTS4's matchinfo, so scores did not change
// with schema 5.
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
