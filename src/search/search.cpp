// The search index (schema version 5: postings of folio's own terms, see
// docs/FORMAT.md) and queries over it.
#include <utf8proc.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
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

// The terms of a stored term list (single spaces; "" holds none).
std::vector<std::string_view> split_terms(std::string_view joined) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < joined.size()) {
    std::size_t end = joined.find(' ', i);
    if (end == std::string_view::npos) end = joined.size();
    if (end > i) out.push_back(joined.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

[[noreturn]] void damaged_index() {
  throw Error(Errc::corrupt, tr("the search index is damaged"), tr("run `folio reindex` to rebuild it"));
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


// A phrase of a query: terms at consecutive positions of a record, the last
// maybe a prefix (every term that starts with it).
struct Phrase {
  std::vector<std::string> terms;
  bool prefix = false;
};

// A query compiled: a record matches when, in each group, at least one
// phrase stands in it, and no excluded phrase does. As in FTS4's standard
// syntax, which version 4 used: OR binds closer than the implicit AND.
// Every term comes from tokenize(), so it holds only letters, digits, marks
// and CJK characters.
struct Compiled {
  std::vector<std::vector<Phrase>> groups;
  std::vector<Phrase> excluded;
  std::vector<std::string> needles;  // folded text to highlight
};

Compiled compile(const std::string& query) {
  require_utf8(query, tr("the search"));
  Compiled c;
  bool pending_or = false;
  for (const Unit& u : split_query(query)) {
    if (u.is_or) {
      if (c.groups.empty() || pending_or) {
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
    Phrase phrase{std::move(terms), u.prefix};
    if (u.negated) {
      c.excluded.push_back(std::move(phrase));
      continue;
    }
    if (pending_or) {
      c.groups.back().push_back(std::move(phrase));
      pending_or = false;
    } else {
      c.groups.push_back({std::move(phrase)});
    }
    c.needles.push_back(fold(u.text));
  }
  if (pending_or) throw Error(Errc::invalid_argument, tr("OR needs a word after it"), tr("e.g. visa OR passport"));
  if (c.groups.empty()) {
    throw Error(Errc::invalid_argument, tr("the search has no word to look for"),
                tr("give at least one word that is not excluded with -"));
  }
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

// --- postings --------------------------------------------------------------

// The distinct terms of a term list, each with its 0-based positions,
// ascending; in byte order of the terms.
std::map<std::string_view, std::vector<std::uint32_t>> positions_of(const std::vector<std::string_view>& terms) {
  std::map<std::string_view, std::vector<std::uint32_t>> out;
  for (std::size_t i = 0; i < terms.size(); ++i) out[terms[i]].push_back(static_cast<std::uint32_t>(i));
  return out;
}

// Positions as FORMAT.md stores them: each the difference from the one
// before (the first from 0), in unsigned LEB128.
std::string encode_positions(const std::vector<std::uint32_t>& pos) {
  std::string out;
  std::uint32_t prev = 0;
  for (std::uint32_t p : pos) {
    std::uint32_t d = p - prev;
    prev = p;
    while (d >= 0x80) {
      out += static_cast<char>((d & 0x7F) | 0x80);
      d >>= 7;
    }
    out += static_cast<char>(d);
  }
  return out;
}

void decode_positions(std::string_view bytes, std::vector<std::uint32_t>& out) {
  out.clear();
  std::uint64_t prev = 0;
  std::size_t i = 0;
  while (i < bytes.size()) {
    std::uint64_t d = 0;
    int shift = 0;
    for (;;) {
      if (i == bytes.size() || shift > 28) damaged_index();
      auto b = static_cast<unsigned char>(bytes[i++]);
      d |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      shift += 7;
      if ((b & 0x80) == 0) break;
    }
    prev += d;
    if (prev > UINT32_MAX || (!out.empty() && d == 0)) damaged_index();
    out.push_back(static_cast<std::uint32_t>(prev));
  }
}

// Records whose postings are written together, so that each term's new
// postings land side by side (a page or so per term for all of them).
constexpr std::int64_t kPendingLimit = 64;
// The same for `folio reindex` and the upgrade, bounded by memory: about
// 260 postings a record of the benchmark's corpus.
constexpr std::size_t kRebuildBatch = 2048;

struct PendingDoc {
  std::int64_t docid;
  std::string terms;
};

// Writes the postings of `docs` (their search_docs rows are pending) and
// marks them written.
void write_postings(Database& db, const std::vector<PendingDoc>& docs) {
  struct Posting {
    std::uint32_t hits;
    std::int64_t docid;
    std::string pos;
  };
  std::map<std::string_view, std::vector<Posting>> by_term;
  for (const PendingDoc& d : docs) {
    for (auto& [term, pos] : positions_of(split_terms(d.terms))) {
      by_term[term].push_back({static_cast<std::uint32_t>(pos.size()), d.docid, encode_positions(pos)});
    }
  }
  Statement find = db.prepare("SELECT id FROM search_terms WHERE term = ?1");
  Statement add_term = db.prepare("INSERT INTO search_terms(term, docs) VALUES (?1, ?2)");
  Statement count = db.prepare("UPDATE search_terms SET docs = docs + ?2 WHERE id = ?1");
  Statement ins = db.prepare("INSERT INTO search_postings(term_id, hits, docid, pos) VALUES (?1, ?2, ?3, ?4)");
  for (auto& [term, postings] : by_term) {
    find.reset();
    find.bind(1, term);
    std::int64_t id = 0;
    const auto n = static_cast<std::int64_t>(postings.size());
    if (find.step()) {
      id = find.integer(0);
      count.reset();
      count.bind(1, id).bind(2, n);
      count.step();
    } else {
      add_term.reset();
      add_term.bind(1, term).bind(2, n);
      add_term.step();
      id = db.last_insert_id();
    }
    // In key order: the b-tree then fills its pages in turn.
    std::sort(postings.begin(), postings.end(), [](const Posting& a, const Posting& b) {
      return a.hits != b.hits ? a.hits > b.hits : a.docid > b.docid;
    });
    for (const Posting& p : postings) {
      ins.reset();
      ins.bind(1, id).bind(2, static_cast<std::int64_t>(p.hits)).bind(3, p.docid).bind_blob(4, p.pos);
      ins.step();
    }
  }
  Statement done = db.prepare("UPDATE search_docs SET pending = 0 WHERE docid = ?1");
  for (const PendingDoc& d : docs) {
    done.reset();
    done.bind(1, d.docid);
    done.step();
  }
}

std::vector<PendingDoc> pending_docs(Database& db) {
  Statement st = db.prepare("SELECT docid, terms FROM search_docs WHERE pending = 1");
  std::vector<PendingDoc> out;
  while (st.step()) out.push_back({st.integer(0), st.text(1)});
  return out;
}

// Removes a record's row and postings, and the terms no other posting uses.
void unindex_docid(Database& db, std::int64_t docid) {
  Statement row = db.prepare("SELECT terms, pending FROM search_docs WHERE docid = ?1");
  row.bind(1, docid);
  if (!row.step()) return;
  std::string terms = row.text(0);
  const bool pending = row.integer(1) != 0;
  row.reset();
  if (!pending) {
    Statement find = db.prepare("SELECT id, docs FROM search_terms WHERE term = ?1");
    Statement del = db.prepare("DELETE FROM search_postings WHERE term_id = ?1 AND hits = ?2 AND docid = ?3");
    Statement drop = db.prepare("DELETE FROM search_terms WHERE id = ?1");
    Statement count = db.prepare("UPDATE search_terms SET docs = docs - 1 WHERE id = ?1");
    for (auto& [term, pos] : positions_of(split_terms(terms))) {
      find.reset();
      find.bind(1, term);
      if (!find.step()) damaged_index();
      std::int64_t id = find.integer(0), docs = find.integer(1);
      del.reset();
      del.bind(1, id).bind(2, static_cast<std::int64_t>(pos.size())).bind(3, docid);
      del.step();
      if (db.changes() != 1) damaged_index();
      Statement& next = docs <= 1 ? drop : count;
      next.reset();
      next.bind(1, id);
      next.step();
    }
  }
  Statement del = db.prepare("DELETE FROM search_docs WHERE docid = ?1");
  del.bind(1, docid);
  del.step();
  db.exec("UPDATE search_stats SET docs = docs - 1 WHERE id = 1");
}

// Adds a record's row, pending; writes the pending postings when there are
// kPendingLimit of them.
void add_doc(Database& db, std::int64_t docid, const std::string& terms) {
  Statement ins = db.prepare("INSERT INTO search_docs(docid, terms, pending) VALUES (?1, ?2, 1)");
  ins.bind(1, docid).bind(2, terms);
  ins.step();
  db.exec("UPDATE search_stats SET docs = docs + 1 WHERE id = 1");
  Statement n = db.prepare("SELECT count(*) FROM search_docs WHERE pending = 1");
  if (n.step() && n.integer(0) >= kPendingLimit) write_postings(db, pending_docs(db));
}

// --- queries ---------------------------------------------------------------

using Hits = std::unordered_map<std::int64_t, std::uint32_t>;  // docid -> times a phrase stands in it

// What every query reads once: the records indexed, and the pending ones'
// terms (fewer than kPendingLimit), matched directly.
struct Corpus {
  std::int64_t rows = 0;
  struct Doc {
    std::int64_t docid;
    std::vector<std::string> terms;
  };
  std::vector<Doc> pending;
};

Corpus read_corpus(Database& db) {
  Corpus c;
  std::string stats = db.query_text("SELECT docs FROM search_stats WHERE id = 1");
  if (stats.empty()) damaged_index();
  c.rows = std::stoll(stats);
  for (PendingDoc& d : pending_docs(db)) {
    Corpus::Doc doc{d.docid, {}};
    for (auto t : split_terms(d.terms)) doc.terms.emplace_back(t);
    c.pending.push_back(std::move(doc));
  }
  return c;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// The times `p` stands in a term list.
std::uint32_t hits_in(const Phrase& p, const std::vector<std::string>& terms) {
  const std::size_t k = p.terms.size();
  std::uint32_t n = 0;
  for (std::size_t i = 0; i + k <= terms.size(); ++i) {
    bool all = true;
    for (std::size_t j = 0; j < k && all; ++j) {
      all = (p.prefix && j + 1 == k) ? starts_with(terms[i + j], p.terms[j]) : terms[i + j] == p.terms[j];
    }
    if (all) ++n;
  }
  return n;
}

// The ids of the terms a phrase's j-th term stands for: itself, or for a
// prefix every term from it up to (not including) it with its last byte
// plus one, in byte order.
std::vector<std::int64_t> term_ids(Database& db, const Phrase& p, std::size_t j) {
  std::vector<std::int64_t> ids;
  const std::string& t = p.terms[j];
  if (!(p.prefix && j + 1 == p.terms.size())) {
    Statement st = db.prepare("SELECT id FROM search_terms WHERE term = ?1");
    st.bind(1, t);
    if (st.step()) ids.push_back(st.integer(0));
    return ids;
  }
  // Terms are valid UTF-8, so no byte is 0xFF: the last byte plus one fits.
  std::string end = t;
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  Statement st = db.prepare("SELECT id FROM search_terms WHERE term >= ?1 AND term < ?2");
  st.bind(1, t).bind(2, end);
  while (st.step()) ids.push_back(st.integer(0));
  return ids;
}

// Every record a phrase stands in, with its times.
Hits phrase_hits(Database& db, const Phrase& p, const Corpus& corpus) {
  Hits out;
  if (p.terms.size() == 1) {
    Statement st = db.prepare("SELECT hits, docid FROM search_postings WHERE term_id = ?1");
    for (std::int64_t id : term_ids(db, p, 0)) {
      st.reset();
      st.bind(1, id);
      while (st.step()) out[st.integer(1)] += static_cast<std::uint32_t>(st.integer(0));
    }
  } else {
    // The positions of each term of the phrase, record by record, kept only
    // for records that hold every term before it.
    using Positions = std::unordered_map<std::int64_t, std::vector<std::uint32_t>>;
    Statement st = db.prepare("SELECT docid, pos FROM search_postings WHERE term_id = ?1");
    std::vector<std::uint32_t> decoded;
    Positions at;  // positions where the phrase so far starts
    for (std::size_t j = 0; j < p.terms.size(); ++j) {
      Positions here;
      for (std::int64_t id : term_ids(db, p, j)) {
        st.reset();
        st.bind(1, id);
        while (st.step()) {
          std::int64_t docid = st.integer(0);
          if (j > 0 && at.count(docid) == 0) continue;
          decode_positions(st.blob(1), decoded);
          auto& v = here[docid];
          v.insert(v.end(), decoded.begin(), decoded.end());
        }
      }
      if (j == 0) {
        for (auto& [docid, v] : here) std::sort(v.begin(), v.end());
        at = std::move(here);
        continue;
      }
      Positions next;
      for (auto& [docid, starts] : at) {
        auto found = here.find(docid);
        if (found == here.end()) continue;
        std::vector<std::uint32_t>& v = found->second;
        std::sort(v.begin(), v.end());
        std::vector<std::uint32_t> kept;
        for (std::uint32_t s : starts) {
          if (std::binary_search(v.begin(), v.end(), static_cast<std::uint32_t>(s + j))) kept.push_back(s);
        }
        if (!kept.empty()) next.emplace(docid, std::move(kept));
      }
      at = std::move(next);
      if (at.empty()) break;
    }
    for (auto& [docid, starts] : at) out[docid] = static_cast<std::uint32_t>(starts.size());
  }
  for (const Corpus::Doc& d : corpus.pending) {
    if (std::uint32_t n = hits_in(p, d.terms)) out[d.docid] = n;
  }
  return out;
}

std::vector<std::int64_t> excluded_docids(Database& db, const Compiled& c, const Corpus& corpus) {
  std::vector<std::int64_t> out;
  for (const Phrase& p : c.excluded) {
    for (auto& [docid, n] : phrase_hits(db, p, corpus)) out.push_back(docid);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

using Ranked = std::vector<std::pair<std::int64_t, double>>;

// A query of one word without entry filters, most searches: its postings
// come most hits first, then newest first, which is the order of the
// results; so the walk stops after `limit` records kept. The score's idf
// needs the number of records holding the word: search_terms counts those
// with postings, the pending ones are counted here.
Ranked rank_one_word(Database& db, const Compiled& c, const Corpus& corpus, int kinds, std::size_t limit) {
  const Phrase& p = c.groups[0][0];
  std::vector<std::int64_t> excluded = excluded_docids(db, c, corpus);
  auto keep = [&](std::int64_t docid) {
    return ((kinds >> (docid % 4)) & 1) != 0 && !std::binary_search(excluded.begin(), excluded.end(), docid);
  };
  BestOf<std::uint32_t> best(limit);
  std::int64_t docs = 0;
  Statement term = db.prepare("SELECT id, docs FROM search_terms WHERE term = ?1");
  term.bind(1, p.terms[0]);
  if (term.step()) {
    docs = term.integer(1);
    Statement st = db.prepare(
        "SELECT hits, docid FROM search_postings WHERE term_id = ?1 ORDER BY hits DESC, docid DESC");
    st.bind(1, term.integer(0));
    std::size_t kept = 0;
    while (kept < limit && st.step()) {
      std::int64_t docid = st.integer(1);
      if (!keep(docid)) continue;
      best.offer(docid, static_cast<std::uint32_t>(st.integer(0)));
      ++kept;
    }
  }
  for (const Corpus::Doc& d : corpus.pending) {
    std::uint32_t n = hits_in(p, d.terms);
    if (n == 0) continue;
    ++docs;
    if (keep(d.docid)) best.offer(d.docid, n);
  }
  double idf = phrase_idf(static_cast<double>(docs), static_cast<double>(corpus.rows));
  Ranked ranked;
  for (auto [docid, hits] : best.take()) ranked.emplace_back(docid, phrase_score_with(idf, hits));
  return ranked;
}

// Any other query: every phrase's records, then the records that match,
// each scored as the sum of its phrases' weights (src/store/rank.h), in the
// order the phrases stand in the query.
Ranked rank_all(Database& db, const Compiled& c, const Corpus& corpus, const SearchOptions& o, int kinds) {
  std::vector<const Phrase*> phrases;
  std::vector<std::size_t> group_of;
  for (std::size_t g = 0; g < c.groups.size(); ++g) {
    for (const Phrase& p : c.groups[g]) {
      phrases.push_back(&p);
      group_of.push_back(g);
    }
  }
  std::vector<Hits> hits;
  std::vector<double> idf;
  for (const Phrase* p : phrases) {
    hits.push_back(phrase_hits(db, *p, corpus));
    idf.push_back(phrase_idf(static_cast<double>(hits.back().size()), static_cast<double>(corpus.rows)));
  }
  std::vector<std::int64_t> excluded = excluded_docids(db, c, corpus);
  // The records of the first group are the candidates: each must also stand
  // in every other group.
  std::unordered_set<std::int64_t> candidates;
  for (std::size_t i = 0; i < phrases.size() && group_of[i] == 0; ++i) {
    for (auto& [docid, n] : hits[i]) candidates.insert(docid);
  }
  const bool entry_filters = o.tag || o.since || o.until;
  std::optional<Statement> filter;
  if (entry_filters) {
    filter.emplace(db.prepare(
        "SELECT 1 FROM entries e WHERE e.id = ?1 "
        "AND (?2 IS NULL OR e.created >= ?2) AND (?3 IS NULL OR e.created < ?3) AND "
        "  (?4 IS NULL OR EXISTS (SELECT 1 FROM entry_tags et JOIN tags t ON t.id = et.tag_id "
        "                         WHERE et.entry_id = e.id AND t.name = ?4))"));
  }
  BestOf<double> best(o.limit);
  for (std::int64_t docid : candidates) {
    if (((kinds >> (docid % 4)) & 1) == 0) continue;
    if (std::binary_search(excluded.begin(), excluded.end(), docid)) continue;
    double score = 0;
    std::vector<bool> matched(c.groups.size(), false);
    for (std::size_t i = 0; i < phrases.size(); ++i) {
      auto found = hits[i].find(docid);
      if (found == hits[i].end()) continue;
      matched[group_of[i]] = true;
      score += phrase_score_with(idf[i], found->second);
    }
    if (std::find(matched.begin(), matched.end(), false) != matched.end()) continue;
    if (filter) {
      filter->reset();
      filter->bind(1, docid / 4);
      if (o.since) filter->bind(2, format_utc(*o.since)); else filter->bind_null(2);
      if (o.until) filter->bind(3, format_utc(*o.until)); else filter->bind_null(3);
      if (o.tag) filter->bind(4, normalize_tag(*o.tag)); else filter->bind_null(4);
      if (!filter->step()) continue;
    }
    best.offer(docid, score);
  }
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

std::string search_terms(std::string_view text) { return join_terms(tokenize(text)); }

void index_record(Database& db, RecordKind kind, std::int64_t row, const std::string& text) {
  unindex_record(db, kind, row);
  add_doc(db, search_docid(kind, row), search_terms(text));
}

void unindex_record(Database& db, RecordKind kind, std::int64_t row) { unindex_docid(db, search_docid(kind, row)); }

void index_entry(Database& db, std::int64_t row) { index_from_db(db, RecordKind::entry, row); }
void index_checklist(Database& db, std::int64_t row) { index_from_db(db, RecordKind::checklist, row); }
void index_item(Database& db, std::int64_t row) { index_from_db(db, RecordKind::item, row); }
void index_attachment(Database& db, std::int64_t row) { index_from_db(db, RecordKind::attachment, row); }

namespace {

void unindex_all(Database& db, Statement& docids) {
  std::vector<std::int64_t> found;
  while (docids.step()) found.push_back(docids.integer(0));
  for (std::int64_t d : found) unindex_docid(db, d);
}

}  // namespace

void unindex_item_children(Database& db, std::int64_t item_row) {
  Statement st = db.prepare("SELECT id * 4 + 3 FROM attachments WHERE item_id = ?1");
  st.bind(1, item_row);
  unindex_all(db, st);
}

void unindex_checklist_children(Database& db, std::int64_t checklist_row) {
  Statement att = db.prepare(
      "SELECT a.id * 4 + 3 FROM attachments a JOIN items i ON i.id = a.item_id WHERE i.checklist_id = ?1");
  att.bind(1, checklist_row);
  unindex_all(db, att);
  Statement items = db.prepare("SELECT id * 4 + 2 FROM items WHERE checklist_id = ?1");
  items.bind(1, checklist_row);
  unindex_all(db, items);
}

std::size_t Search::rebuild(const Progress& progress) {
  Database::Transaction tx(*db_);
  std::size_t n = rebuild_in_transaction(progress);
  tx.commit();
  return n;
}

std::size_t Search::rebuild_in_transaction(const Progress& progress) {
  // With secure_delete, the pages these free are zeroed.
  db_->exec("DELETE FROM search_postings");
  db_->exec("DELETE FROM search_terms");
  db_->exec("DELETE FROM search_docs");
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
  Statement ins = db_->prepare("INSERT INTO search_docs(docid, terms, pending) VALUES (?1, ?2, 1)");
  std::vector<PendingDoc> batch;
  for (int k = 0; k < 4; ++k) {
    for (auto r : rows[k]) {
      auto kind = static_cast<RecordKind>(k);
      PendingDoc d{search_docid(kind, r), search_terms(record_text(*db_, kind, r))};
      ins.reset();
      ins.bind(1, d.docid).bind(2, d.terms);
      ins.step();
      batch.push_back(std::move(d));
      if (batch.size() == kRebuildBatch) {
        write_postings(*db_, batch);
        batch.clear();
      }
      ++n;
      if (progress && n % step == 0 && n < total) progress(n, total);
    }
  }
  write_postings(*db_, batch);
  Statement stats = db_->prepare("UPDATE search_stats SET docs = ?1 WHERE id = 1");
  stats.bind(1, static_cast<std::int64_t>(n));
  stats.step();
  if (progress) progress(total, total);
  return static_cast<std::size_t>(n);
}

void check_query(const std::string& query) { (void)compile(query); }

std::vector<SearchHit> Search::find(const std::string& query, const SearchOptions& o) const {
  Compiled c = compile(query);
  bool entry_filters = o.tag || o.since || o.until;
  int kinds = (o.entries ? 1 : 0) | (o.checklists && !entry_filters ? 14 : 0);
  if (kinds == 0) return {};
  Corpus corpus = read_corpus(*db_);
  const Phrase& first = c.groups[0][0];
  const bool one_word = c.groups.size() == 1 && c.groups[0].size() == 1 && first.terms.size() == 1 && !first.prefix;
  Ranked ranked = one_word && !entry_filters ? rank_one_word(*db_, c, corpus, kinds, o.limit)
                                             : rank_all(*db_, c, corpus, o, kinds);
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
