// The search index (an FTS4 table of folio's own terms) and queries over it.
#include <utf8proc.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <utility>

#include "folio/dates.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/search.h"
#include "folio/text.h"
#include "search/index.h"
#include "search/tokenize.h"
#include "store/rank.h"

namespace folio {
namespace {

std::string join_terms(const std::vector<std::string>& terms) {
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

// Count terms (FORMAT.md, "Schema version 4"): for a term that a record holds
// n >= 2 times, the term "·TERM·CODE", CODE being n written so that a larger
// n sorts first. Under one TERM they list the records by how often they hold
// it, most first, so that the best hits of a one-word search are found
// without reading every record that holds the word. The middle dot is not a
// letter, mark or digit, so no term of any text, and no query, contains it.
constexpr char kCountMark[] = "\u00B7";
constexpr char kCountMarkNext[] = "\u00B8";  // kCountMark + 1: the end of one TERM's range

// n in decimal, each digit replaced by 9 minus it, after a letter for the
// number of digits, 'z' for one and back from there: 2 is "z7", 9 "z0",
// 10 "y89", 100 "x899". Byte order of the codes is descending order of n.
std::string count_code(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string code(1, static_cast<char>('z' - static_cast<int>(digits.size() - 1)));
  for (char d : digits) code += static_cast<char>('9' - (d - '0'));
  return code;
}

// The n of a code; 0 if it is not one.
std::uint64_t count_of_code(std::string_view code) {
  if (code.size() < 2 || code.size() > 21 || code[0] != 'z' - static_cast<int>(code.size() - 2)) return 0;
  std::uint64_t n = 0;
  for (char c : code.substr(1)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<std::uint64_t>('9' - c);
  }
  return n;
}

std::string count_term(const std::string& term, std::uint64_t n) {
  return kCountMark + term + kCountMark + count_code(n);
}

// The terms of a record as stored: its text's terms, then a count term for
// each that occurs more than once, in the order of their first occurrence.
std::vector<std::string> stored_terms(std::string_view text) {
  std::vector<std::string> terms = tokenize(text);
  std::unordered_map<std::string_view, std::uint64_t> counts;
  std::vector<std::string_view> order;
  counts.reserve(terms.size());
  for (const auto& t : terms) {
    if (counts[t]++ == 0) order.push_back(t);
  }
  std::vector<std::string> out;
  for (auto t : order) {
    if (std::uint64_t n = counts[t]; n >= 2) out.push_back(count_term(std::string(t), n));
  }
  terms.insert(terms.end(), std::make_move_iterator(out.begin()), std::make_move_iterator(out.end()));
  return terms;
}

// The text a record is found by, also the text its snippet comes from.
constexpr const char* kTextSql[] = {
    // entry: title, tags, body
    "SELECT coalesce(e.title || char(10), '') || coalesce((SELECT group_concat('#' || name, ' ') "
    " FROM (SELECT t.name FROM entry_tags et JOIN tags t ON t.id = et.tag_id "
    "       WHERE et.entry_id = e.id ORDER BY t.name)) || char(10), '') "
    " || e.body FROM entries e WHERE e.id = ?1",
    "SELECT name || coalesce(char(10) || description, '') FROM checklists WHERE id = ?1",
    "SELECT title || coalesce(char(10) || notes, '') FROM items WHERE id = ?1",
    "SELECT name FROM attachments WHERE id = ?1",
};

std::string record_text(Database& db, RecordKind kind, std::int64_t row) {
  Statement st = db.prepare(kTextSql[static_cast<int>(kind)]);
  st.bind(1, row);
  return st.step() ? st.text(0) : std::string();
}

void index_from_db(Database& db, RecordKind kind, std::int64_t row) {
  index_record(db, kind, row, record_text(db, kind, row));
}

// One unit of a query: a word or a quoted phrase, maybe excluded or a prefix.
struct Unit {
  std::string text;
  bool negated = false;
  bool prefix = false;
  bool is_or = false;
};

std::vector<Unit> split_query(const std::string& q) {
  std::vector<Unit> units;
  std::size_t i = 0;
  while (i < q.size()) {
    if (q[i] == ' ' || q[i] == '\t' || q[i] == '\n' || q[i] == '\r') {
      ++i;
      continue;
    }
    Unit u;
    if (q[i] == '-' && i + 1 < q.size() && q[i + 1] != ' ') {
      u.negated = true;
      ++i;
    }
    if (q[i] == '"') {
      auto close = q.find('"', i + 1);
      if (close == std::string::npos) {
        throw Error(Errc::invalid_argument, tr("the search has an unclosed quote"),
                    tr("put a phrase between two double quotes: \"visa interview\""));
      }
      u.text = q.substr(i + 1, close - i - 1);
      i = close + 1;
      if (i < q.size() && q[i] == '*') {
        u.prefix = true;
        ++i;
      }
    } else {
      std::size_t end = q.find_first_of(" \t\r\n", i);
      if (end == std::string::npos) end = q.size();
      u.text = q.substr(i, end - i);
      i = end;
      if (!u.negated && u.text == "OR") {
        u.is_or = true;
      } else if (!u.text.empty() && u.text.back() == '*') {
        u.prefix = true;
        u.text.pop_back();
      }
    }
    units.push_back(std::move(u));
  }
  return units;
}

// The FTS4 (standard syntax) expression for a query. Every term comes from
// tokenize(), so it holds only letters, digits and CJK characters: no FTS
// operator or quote can come from the user's text.
struct Compiled {
  std::string match;                 // what must match
  std::string exclude;               // what must not (empty: nothing excluded)
  std::vector<std::string> needles;  // folded text to highlight
  int phrases = 0;                   // FTS4 phrases in `match` (each word or "phrase")
  std::string term;                  // the query's one term, if it is one word (no phrase, no prefix)
};

Compiled compile(const std::string& query) {
  require_utf8(query, tr("the search"));
  std::vector<std::string> positive, negative;
  Compiled c;
  bool pending_or = false;
  for (const Unit& u : split_query(query)) {
    if (u.is_or) {
      if (positive.empty() || pending_or) {
        throw Error(Errc::invalid_argument, tr("OR needs a word before it"), tr("e.g. visa OR passport"));
      }
      pending_or = true;
      continue;
    }
    auto terms = tokenize(u.text);
    if (terms.empty()) continue;
    // A pair term always stands between its two characters, so a single
    // character at either end of the unit, next to the pair that holds it,
    // adds nothing to the phrase but cost ("签 签证 证" is "签证"; the single
    // characters are in most records).
    auto holds = [](const std::string& pair, const std::string& ch, bool at_start) {
      return pair.size() > ch.size() &&
             (at_start ? pair.compare(0, ch.size(), ch) == 0
                       : pair.compare(pair.size() - ch.size(), ch.size(), ch) == 0);
    };
    if (terms.size() >= 2 && holds(terms[1], terms[0], true)) terms.erase(terms.begin());
    if (!u.prefix && terms.size() >= 2 && holds(terms[terms.size() - 2], terms.back(), false)) {
      terms.pop_back();
    }
    std::string expr = terms.size() == 1 ? terms[0] : "\"" + join_terms(terms) + "\"";
    if (u.prefix) {
      if (terms.size() == 1) expr += "*";
      else expr.insert(expr.size() - 1, "*");
    }
    if (u.negated) {
      // FTS4's standard syntax cannot exclude a phrase ("-\"a b\"" would
      // require its words): exclusions become a query of their own.
      negative.push_back(expr);
      continue;
    }
    ++c.phrases;
    if (pending_or) {
      positive.back() += " OR " + expr;
      pending_or = false;
    } else {
      positive.push_back(expr);
    }
    std::string needle = fold(u.text);
    c.needles.push_back(needle);
  }
  if (pending_or) throw Error(Errc::invalid_argument, tr("OR needs a word after it"), tr("e.g. visa OR passport"));
  if (positive.empty()) {
    throw Error(Errc::invalid_argument, tr("the search has no word to look for"),
                tr("give at least one word that is not excluded with -"));
  }
  for (const auto& p : positive) c.match += (c.match.empty() ? "" : " ") + p;
  for (const auto& n : negative) c.exclude += (c.exclude.empty() ? "" : " OR ") + n;
  if (positive.size() == 1 && c.match.find_first_of(" \"*") == std::string::npos) c.term = c.match;
  return c;
}

// fold() of one grapheme cluster. ASCII and the unified Han ideographs,
// most of a journal, fold without utf8proc (to lower case, and to
// themselves): a call of fold() for each character of every snippet's text
// was a sixth of a small search's time.
std::string fold_cluster(std::string_view piece) {
  bool ascii = std::all_of(piece.begin(), piece.end(),
                           [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
  if (ascii) {
    std::string out(piece);
    for (char& ch : out) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    return out;
  }
  if (piece.size() == 3 && (static_cast<unsigned char>(piece[0]) & 0xF0) == 0xE0) {  // U+0800..U+FFFF
    auto b = [&](std::size_t i) { return static_cast<unsigned char>(piece[i]); };
    char32_t cp = (static_cast<char32_t>(b(0) & 0x0F) << 12) | (static_cast<char32_t>(b(1) & 0x3F) << 6) |
                  static_cast<char32_t>(b(2) & 0x3F);
    if (cp >= 0x4E00 && cp <= 0x9FFF) return std::string(piece);
  }
  return fold(piece);
}

// Byte ranges of `text`'s characters, each with its folded form appended to
// `folded`; map[i] is the original byte offset where folded byte i came from.
// Folds `text` one grapheme cluster at a time (so that a letter and its
// combining accents compose as they do in the index), and only as far as the
// first occurrence of a needle needs (see `enough`): a snippet's hit is most
// often near the start, and folding was most of a snippet's cost.
void fold_with_map(const std::string& text, const std::vector<std::string>& needles, std::string& folded,
                   std::vector<std::size_t>& map) {
  std::size_t longest = 0;
  for (const auto& needle : needles) longest = std::max(longest, needle.size());
  // Where the first occurrence of a needle found so far starts. The folding
  // can stop `longest` bytes past it: no occurrence starting at or before it
  // ends later than that, and make_snippet wants the earliest start.
  std::size_t first = std::string::npos;
  auto enough = [&](std::size_t before) {
    if (first == std::string::npos) {
      std::size_t from = before >= longest ? before - longest + 1 : 0;
      for (const auto& needle : needles) {
        if (needle.empty()) continue;
        first = std::min(first, folded.find(needle, from));
      }
    }
    return first != std::string::npos && folded.size() >= first + longest;
  };
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  auto n = static_cast<utf8proc_ssize_t>(std::min<std::size_t>(text.size(), 1 << 16));
  folded.reserve(static_cast<std::size_t>(n));
  map.reserve(static_cast<std::size_t>(n) + 1);
  utf8proc_int32_t state = 0, prev = -1;
  utf8proc_ssize_t cluster = 0;
  auto flush = [&](utf8proc_ssize_t end) {
    if (end <= cluster) return;
    std::string_view piece = std::string_view(text).substr(static_cast<std::size_t>(cluster),
                                                           static_cast<std::size_t>(end - cluster));
    auto from = static_cast<std::size_t>(cluster);
    cluster = end;
    if (piece.size() == 1) {  // one ASCII character: what fold_cluster would give
      char ch = piece[0];
      folded += (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
      map.push_back(from);
      return;
    }
    std::string f = fold_cluster(piece);
    map.insert(map.end(), f.size(), from);
    folded += f;
  };
  // Between two characters that are each ASCII (but CR, which joins a
  // following LF) or a unified Han ideograph, Unicode always puts a
  // grapheme break (UAX #29: neither is Extend, SpacingMark, Prepend or part
  // of an emoji or flag sequence), so utf8proc need not be asked. Resetting
  // its state then is what it would have done itself.
  auto simple = [](utf8proc_int32_t cp) {
    return cp < 0x80 ? cp != '\r' : (cp >= 0x4E00 && cp <= 0x9FFF);
  };
  utf8proc_ssize_t pos = 0;
  while (pos < n) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = 1;
    if (p[pos] < 0x80) {
      cp = p[pos];
    } else {
      len = utf8proc_iterate(p + pos, n - pos, &cp);
      if (len <= 0) break;
    }
    if (prev >= 0) {
      bool boundary;
      if (simple(prev) && simple(cp)) {
        boundary = true;
        state = 0;
      } else {
        boundary = utf8proc_grapheme_break_stateful(prev, cp, &state);
      }
      if (boundary) {
        std::size_t before = folded.size();
        flush(pos);
        if (enough(before)) break;
      }
    }
    prev = cp;
    pos += len;
  }
  flush(pos);
  map.push_back(static_cast<std::size_t>(pos));
}

// Moves `i` back to the start of a UTF-8 character.
std::size_t char_start(const std::string& s, std::size_t i) {
  while (i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

void make_snippet(const std::string& text, const std::vector<std::string>& needles, SearchHit& hit) {
  std::string folded;
  std::vector<std::size_t> map;
  fold_with_map(text, needles, folded, map);
  std::size_t best = std::string::npos, best_len = 0;
  for (const auto& n : needles) {
    if (n.empty()) continue;
    auto at = folded.find(n);
    if (at != std::string::npos && at < best) {
      best = at;
      best_len = n.size();
    }
  }
  std::size_t start = 0, end = 0;
  if (best != std::string::npos) {
    start = map[best];
    end = map[std::min(best + best_len, map.size() - 1)];
    if (end <= start) end = map[std::min(best + best_len + 1, map.size() - 1)];
  }
  // About 30 columns of context before the hit and 60 after.
  std::size_t from = start, cols = 0;
  while (from > 0 && cols < 30) {
    from = char_start(text, from - 1);
    cols += display_width(std::string_view(text).substr(from, 1)) + 1;
  }
  std::size_t to = end;
  cols = 0;
  while (to < text.size() && cols < 60) {
    std::size_t next = to + 1;
    while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
    cols += 1;
    to = next;
  }
  auto flatten = [](std::string s) {
    for (char& ch : s) {
      if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
    }
    return s;
  };
  std::string before = (from > 0 ? "\u2026" : "") + flatten(text.substr(from, start - from));
  std::string match = flatten(text.substr(start, end - start));
  std::string after = flatten(text.substr(end, to - end)) + (to < text.size() ? "\u2026" : "");
  hit.snippet = before + match + after;
  hit.match_start = before.size();
  hit.match_length = match.size();
}

// The `limit` best of a stream of (docid, key) pairs: the higher key, then
// the newer record (the larger docid). A bounded heap, so that a word in
// 60,000 records costs neither 60,000 stored pairs (a megabyte of fresh
// pages, each a page fault) nor a sort of them.
template <typename Key>
class BestOf {
 public:
  explicit BestOf(std::size_t limit) : limit_(limit) {}

  void offer(std::int64_t docid, Key key) {
    if (limit_ == 0) return;
    Item item{docid, key};
    if (heap_.size() < limit_) {
      heap_.push_back(item);
      std::push_heap(heap_.begin(), heap_.end(), better);
    } else if (better(item, heap_.front())) {  // the front is the worst kept
      std::pop_heap(heap_.begin(), heap_.end(), better);
      heap_.back() = item;
      std::push_heap(heap_.begin(), heap_.end(), better);
    }
  }

  // Best first.
  std::vector<std::pair<std::int64_t, Key>> take() {
    std::sort_heap(heap_.begin(), heap_.end(), better);
    std::vector<std::pair<std::int64_t, Key>> out;
    out.reserve(heap_.size());
    for (const Item& i : heap_) out.emplace_back(i.docid, i.key);
    return out;
  }

 private:
  struct Item {
    std::int64_t docid;
    Key key;
  };
  static bool better(const Item& a, const Item& b) {
    return a.key != b.key ? a.key > b.key : a.docid > b.docid;
  }
  std::size_t limit_;
  std::vector<Item> heap_;
};

using Ranked = std::vector<std::pair<std::int64_t, double>>;

// Runs `read` over a statement of the search, turning FTS4's complaint about
// a query it cannot parse into the user's error.
template <typename Read>
void read_matches(Statement& st, Read read) {
  try {
    while (st.step()) read(st);
  } catch (const Error& e) {
    if (e.code() != Errc::internal) throw;
    throw Error(Errc::invalid_argument, tr("cannot understand that search"),
                tr("use words, \"phrases\", OR, -word to exclude, word* for a prefix"));
  }
}

// The best `limit` records that hold `term` and that `keep` accepts, by how
// many times they hold it, read from the term's count terms (kCountMark):
// under one term they come most often first, so the walk can stop after the
// first count at which `limit` records have been kept. Those are then exactly
// the best, since every record not read holds the term fewer times; ties go
// to the newer record as everywhere.
//
// Returns false, for the caller to read every record that holds the term
// instead, when the count terms run out first (the rest of the best hold
// the term once, and only the term's own entry lists those), and when that
// reading would cost less. FTS4 finds a term by scanning its index nodes
// from the start, about 2,000 terms for each term looked up (half a million
// instructions, callgrind at 1,000 and 100,000 entries), about what reading
// kRowsPerLookup matches costs. So the count terms are used only when those
// it takes to fill the limit are fewer than the records holding the term
// twice or more over kRowsPerLookup: search_vocab counts those, and the walk
// over its rows stops as soon as that is settled.
constexpr std::int64_t kRowsPerLookup = 256;
std::int64_t rows_per_lookup = kRowsPerLookup;  // set_rows_per_lookup

template <typename Keep>
bool best_by_count(Database& db, const std::string& term, std::size_t limit, Keep keep,
                   BestOf<std::uint32_t>& best, std::string& top_count_term) {
  if (limit == 0) return false;
  struct CountTerm {
    std::string term;
    std::uint32_t n;
  };
  std::string from = kCountMark + term + kCountMark;
  Statement vocab =
      db.prepare("SELECT term, documents FROM search_vocab WHERE term >= ?1 AND term < ?2 AND col = '*'");
  vocab.bind(1, from).bind(2, kCountMark + term + kCountMarkNext);
  std::vector<CountTerm> terms;
  std::int64_t records = 0;  // holding the term as often as the count terms read say
  auto read_one = [&] {
    if (!vocab.step()) return false;
    std::string count_term = vocab.text(0);
    std::uint64_t n = count_of_code(std::string_view(count_term).substr(from.size()));
    if (n < 2 || n > UINT32_MAX) {
      throw Error(Errc::corrupt, tr("the search index is damaged"), tr("run `folio reindex` to rebuild it"));
    }
    terms.push_back({std::move(count_term), static_cast<std::uint32_t>(n)});
    records += vocab.integer(1);
    return true;
  };
  while (records < static_cast<std::int64_t>(limit)) {
    if (!read_one()) return false;
  }
  auto lookups = static_cast<std::int64_t>(terms.size());
  while (records < lookups * rows_per_lookup) {
    if (!read_one()) return false;
  }
  Statement match = db.prepare("SELECT docid FROM search WHERE search MATCH ?1");
  std::size_t kept = 0;
  for (std::size_t i = 0; kept < limit; ++i) {
    // The kinds and exclusions may leave out records: then more count terms.
    if (i == terms.size() && !read_one()) return false;
    match.reset();
    match.bind(1, terms[i].term);
    while (match.step()) {
      if (top_count_term.empty()) top_count_term = terms[i].term;  // one that matches a record
      std::int64_t docid = match.integer(0);
      if (!keep(docid)) continue;
      best.offer(docid, terms[i].n);
      ++kept;
    }
  }
  return true;
}

// The hits of a query of one phrase (a word, a "phrase" or a prefix: most
// searches), scored as folio_rank scores them, with less work per match:
// matchinfo 'pcny' gives the phrase's hits in the row, and the number of
// records holding the phrase, which folio_rank reads from 'x' (a second pass
// over the index inside FTS4), is the number of rows the MATCH returns. So
// that this count covers every such record, as 'x' does, the kinds and the
// exclusion are checked here rather than in SQL.
//
// A one-word query is ranked from its count terms instead (best_by_count)
// when they give enough records. Its score then needs the number of records
// that hold the word, which search_vocab counts by reading the word's whole
// entry in the index (for a word in most records, that is most of the
// search's time: so only when scores are asked for), and the number of
// records indexed, FTS4's matchinfo 'n' of any match.
Ranked rank_one_phrase(Database& db, const Compiled& c, int kinds, std::size_t limit, bool scores) {
  std::vector<std::int64_t> excluded;
  if (!c.exclude.empty()) {
    Statement ex = db.prepare("SELECT docid FROM search WHERE search MATCH ?1");
    ex.bind(1, c.exclude);
    read_matches(ex, [&](Statement& st) { excluded.push_back(st.integer(0)); });
    std::sort(excluded.begin(), excluded.end());
  }
  if (!c.term.empty()) {
    BestOf<std::uint32_t> by_count(limit);
    auto keep = [&](std::int64_t docid) {
      return ((kinds >> (docid % 4)) & 1) != 0 && !std::binary_search(excluded.begin(), excluded.end(), docid);
    };
    std::string top_count_term;
    if (best_by_count(db, c.term, limit, keep, by_count, top_count_term)) {
      double idf = 0;
      if (scores) {
        Statement docs = db.prepare("SELECT documents FROM search_vocab WHERE term = ?1 AND col = '*'");
        docs.bind(1, c.term);
        Statement rows = db.prepare("SELECT matchinfo(search, 'n') FROM search WHERE search MATCH ?1 LIMIT 1");
        rows.bind(1, top_count_term);
        std::string_view n = rows.step() ? rows.blob(0) : std::string_view();
        if (!docs.step() || n.size() != 4) {
          throw Error(Errc::corrupt, tr("the search index is damaged"), tr("run `folio reindex` to rebuild it"));
        }
        std::uint32_t indexed = 0;
        std::memcpy(&indexed, n.data(), 4);
        idf = phrase_idf(static_cast<double>(docs.integer(0)), indexed);
      }
      Ranked ranked;
      for (auto [docid, hits] : by_count.take()) {
        ranked.emplace_back(docid, scores ? phrase_score_with(idf, hits) : 0.0);
      }
      return ranked;
    }
  }
  Statement st = db.prepare("SELECT docid, matchinfo(search, 'pcny') FROM search WHERE search MATCH ?1");
  st.bind(1, c.match);
  // With one idf for every row, the score grows with the hits alone: the
  // best by hits are the best by score, in the same order.
  BestOf<std::uint32_t> best(limit);
  std::uint32_t docs = 0, rows = 0;
  read_matches(st, [&](Statement& row) {
    std::string_view mi = row.blob(1);
    auto u32 = [&](std::size_t i) {
      std::uint32_t v = 0;
      std::memcpy(&v, mi.data() + 4 * i, 4);
      return v;
    };
    if (mi.size() < 16 || u32(0) != 1 || mi.size() < 4 * (3 + std::size_t{u32(1)})) {
      throw Error(Errc::internal, "unexpected matchinfo from the search index");
    }
    ++docs;
    rows = u32(2);
    std::int64_t docid = row.integer(0);
    if (((kinds >> (docid % 4)) & 1) == 0) return;
    if (std::binary_search(excluded.begin(), excluded.end(), docid)) return;
    std::uint32_t hits = 0;
    for (std::uint32_t col = 0; col < u32(1); ++col) hits += u32(3 + col);
    best.offer(docid, hits);
  });
  double idf = phrase_idf(docs, rows);  // the same for every row: one log, not one a match
  Ranked ranked;
  for (auto [docid, hits] : best.take()) ranked.emplace_back(docid, phrase_score_with(idf, hits));
  return ranked;
}

// The hits of any other query, scored by folio_rank in SQL: `sql` is one of
// the two statements of Search::find, its parameters the query's.
Ranked rank_in_sql(Database& db, const Compiled& c, const SearchOptions& o, int kinds, const char* sql) {
  Statement st = db.prepare(sql);
  st.bind(1, c.match).bind(2, static_cast<std::int64_t>(kinds));
  if (o.since) st.bind(3, format_utc(*o.since)); else st.bind_null(3);
  if (o.until) st.bind(4, format_utc(*o.until)); else st.bind_null(4);
  if (o.tag) st.bind(5, normalize_tag(*o.tag)); else st.bind_null(5);
  if (c.exclude.empty()) st.bind_null(7); else st.bind(7, c.exclude);
  BestOf<double> best(o.limit);
  read_matches(st, [&](Statement& row) { best.offer(row.integer(0), row.real(1)); });
  return best.take();
}

}  // namespace

const char* to_string(RecordKind kind) noexcept {
  switch (kind) {
    case RecordKind::entry: return "entry";
    case RecordKind::checklist: return "checklist";
    case RecordKind::item: return "item";
    case RecordKind::attachment: return "attachment";
  }
  return "entry";
}

std::string search_terms(std::string_view text) { return join_terms(stored_terms(text)); }

std::int64_t set_rows_per_lookup(std::int64_t rows) { return std::exchange(rows_per_lookup, rows); }

void index_record(Database& db, RecordKind kind, std::int64_t row, const std::string& text) {
  unindex_record(db, kind, row);
  Statement ins = db.prepare("INSERT INTO search(docid, terms) VALUES (?1, ?2)");
  ins.bind(1, search_docid(kind, row)).bind(2, search_terms(text));
  ins.step();
}

void unindex_record(Database& db, RecordKind kind, std::int64_t row) {
  Statement del = db.prepare("DELETE FROM search WHERE docid = ?1");
  del.bind(1, search_docid(kind, row));
  del.step();
}

void purge_deleted_terms(Database& db) { db.exec("INSERT INTO search(search) VALUES ('optimize')"); }

void index_entry(Database& db, std::int64_t row) { index_from_db(db, RecordKind::entry, row); }
void index_checklist(Database& db, std::int64_t row) { index_from_db(db, RecordKind::checklist, row); }
void index_item(Database& db, std::int64_t row) { index_from_db(db, RecordKind::item, row); }
void index_attachment(Database& db, std::int64_t row) { index_from_db(db, RecordKind::attachment, row); }

void unindex_item_children(Database& db, std::int64_t item_row) {
  Statement st = db.prepare("DELETE FROM search WHERE docid IN (SELECT id * 4 + 3 FROM attachments WHERE item_id = ?1)");
  st.bind(1, item_row);
  st.step();
}

void unindex_checklist_children(Database& db, std::int64_t checklist_row) {
  Statement att = db.prepare(
      "DELETE FROM search WHERE docid IN (SELECT a.id * 4 + 3 FROM attachments a "
      "JOIN items i ON i.id = a.item_id WHERE i.checklist_id = ?1)");
  att.bind(1, checklist_row);
  att.step();
  Statement items = db.prepare("DELETE FROM search WHERE docid IN (SELECT id * 4 + 2 FROM items WHERE checklist_id = ?1)");
  items.bind(1, checklist_row);
  items.step();
}

std::size_t Search::rebuild(const Progress& progress) {
  Database::Transaction tx(*db_);
  std::size_t n = rebuild_in_transaction(progress);
  tx.commit();
  return n;
}

std::size_t Search::rebuild_in_transaction(const Progress& progress) {
  db_->exec("DELETE FROM search");
  constexpr const char* kRows[] = {"SELECT id FROM entries", "SELECT id FROM checklists",
                                   "SELECT id FROM items", "SELECT id FROM attachments"};
  // Every row first, so that the total is known before the first record.
  std::vector<std::int64_t> rows[4];
  std::uint64_t total = 0;
  for (int k = 0; k < 4; ++k) {
    Statement st = db_->prepare(kRows[k]);
    while (st.step()) rows[k].push_back(st.integer(0));
    total += rows[k].size();
  }
  // About 1000 calls at most: a caller that redraws at each one does not
  // spend more on its terminal than on the index.
  const std::uint64_t step = std::max<std::uint64_t>((total + 999) / 1000, 1);
  std::uint64_t n = 0;
  if (progress && total > 0) progress(0, total);  // none: the one call below is 0 of 0
  for (int k = 0; k < 4; ++k) {
    for (auto r : rows[k]) {
      index_from_db(*db_, static_cast<RecordKind>(k), r);
      ++n;
      if (progress && n % step == 0 && n < total) progress(n, total);
    }
  }
  db_->exec("INSERT INTO search(search) VALUES ('optimize')");
  if (progress) progress(total, total);
  return static_cast<std::size_t>(n);
}

void check_query(const std::string& query) { (void)compile(query); }

std::vector<SearchHit> Search::find(const std::string& query, const SearchOptions& o) const {
  Compiled c = compile(query);
  bool entry_filters = o.tag || o.since || o.until;
  int kinds = (o.entries ? 1 : 0) | (o.checklists && !entry_filters ? 14 : 0);
  if (kinds == 0) return {};
  // A query of one phrase without entry filters is ranked in C++
  // (rank_one_phrase); any other by one of two fixed statements: the kinds
  // are a bit mask, and the entry filters are NULL when not given. Without entry filters no entry row is read (each
  // would be a page to decrypt per match, the bulk of a common word's cost).
  // No ORDER BY: SQLite would push every match through a sorter (for a word
  // in 60,000 records, three times the cost of finding and scoring them);
  // the best `limit` are kept as the rows come (BestOf) instead.
  static constexpr char kPlain[] =
      "SELECT s.docid, folio_rank(matchinfo(search, 'pcnx')) AS score FROM search s "
      "WHERE search MATCH ?1 AND ((?2 >> (s.docid % 4)) & 1) = 1 "
      "AND (?7 IS NULL OR s.docid NOT IN (SELECT docid FROM search WHERE search MATCH ?7))";
  static constexpr char kFiltered[] =
      "SELECT s.docid, folio_rank(matchinfo(search, 'pcnx')) AS score FROM search s "
      "JOIN entries e ON e.id = s.docid / 4 "
      "WHERE search MATCH ?1 AND s.docid % 4 = 0 "
      "AND (?3 IS NULL OR e.created >= ?3) AND (?4 IS NULL OR e.created < ?4) AND "
      "  (?5 IS NULL OR EXISTS (SELECT 1 FROM entry_tags et JOIN tags t ON t.id = et.tag_id "
      "                         WHERE et.entry_id = e.id AND t.name = ?5)) "
      "AND (?7 IS NULL OR s.docid NOT IN (SELECT docid FROM search WHERE search MATCH ?7)) "
      "AND ?2 = ?2";
  Ranked ranked;
  if (!entry_filters && c.phrases == 1) {
    ranked = rank_one_phrase(*db_, c, kinds, o.limit, o.scores);
  } else {
    ranked = rank_in_sql(*db_, c, o, kinds, entry_filters ? kFiltered : kPlain);
  }
  // The statements for the hits, each prepared once and reused.
  static constexpr const char* kMetaSql[] = {
      "SELECT uid, coalesce(title, ''), '', created, body FROM entries WHERE id = ?1",
      "SELECT uid, name, '', created, '' FROM checklists WHERE id = ?1",
      "SELECT i.uid, i.title, c.name || ':' || i.position, i.created, '' FROM items i "
      "JOIN checklists c ON c.id = i.checklist_id WHERE i.id = ?1",
      "SELECT a.uid, a.name, c.name || ':' || i.position, a.created, '' FROM attachments a "
      "JOIN items i ON i.id = a.item_id JOIN checklists c ON c.id = i.checklist_id WHERE a.id = ?1"};
  std::optional<Statement> metas[4], texts[4];
  auto reuse = [&](std::optional<Statement>* cache, const char* const* sql, int k) -> Statement& {
    if (!cache[k]) cache[k].emplace(db_->prepare(sql[k]));
    else cache[k]->reset();
    return *cache[k];
  };
  std::vector<SearchHit> hits;
  for (auto [docid, score] : ranked) {
    auto kind = static_cast<RecordKind>(docid % 4);
    std::int64_t row = docid / 4;
    SearchHit h;
    h.kind = kind;
    h.score = o.scores ? score : 0;
    Statement& meta = reuse(metas, kMetaSql, static_cast<int>(kind));
    meta.bind(1, row);
    if (!meta.step()) continue;
    h.id = meta.text(0);
    h.title = meta.text(1);
    h.context = meta.text(2);
    h.created = parse_utc(meta.text(3));
    if (kind == RecordKind::entry && h.title.empty()) {
      std::string body = meta.text(4);
      auto start = body.find_first_not_of(" \t\r\n");
      if (start != std::string::npos) h.title = body.substr(start, body.find_first_of("\r\n", start) - start);
      h.title = fit_width(h.title, 60);
    }
    Statement& text = reuse(texts, kTextSql, static_cast<int>(kind));
    text.bind(1, row);
    make_snippet(text.step() ? text.text(0) : std::string(), c.needles, h);
    hits.push_back(std::move(h));
  }
  return hits;
}

}  // namespace folio
