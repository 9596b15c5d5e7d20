// folio search: ranked full-text search inside the vault; folio reindex.
#include <iostream>

#include "cli/common.h"
#include "folio/dates.h"
#include "folio/i18n.h"
#include "folio/text.h"

namespace folio::cli {
namespace {

// The snippet with its hit in bold yellow, or between [ ] without colour;
// each part made terminal_safe (the offsets are into the stored text).
// The snippet with its hit marked, in at most `columns` display columns when
// that is not 0: the hit kept, the text before it cut at the start and the
// text after it at the end ("…").
std::string highlighted(const SearchHit& h, std::size_t columns) {
  if (h.match_length == 0) return columns ? fit_width(terminal_safe(h.snippet), columns) : terminal_safe(h.snippet);
  std::string before = terminal_safe(h.snippet.substr(0, h.match_start));
  std::string hit = terminal_safe(h.snippet.substr(h.match_start, h.match_length));
  std::string after = terminal_safe(h.snippet.substr(h.match_start + h.match_length));
  const bool color = use_color();
  if (columns > 0) {
    const std::size_t marks = color ? 0 : 2;  // the [ ] around the hit
    std::size_t room = columns > marks ? columns - marks : 0;
    hit = fit_width(hit, room);
    room -= std::min(room, display_width(hit));
    // The text before the hit gets a third of what is left, or more when the
    // text after it is short.
    std::size_t for_before = std::max(room / 3, room - std::min(room, display_width(after)));
    before = fit_width_left(before, for_before);
    after = fit_width(after, room - std::min(room, display_width(before)));
  }
  return before + (color ? paint(hit, "1;33") : "[" + hit + "]") + after;
}

}  // namespace

void add_search(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::vector<std::string> words;
    std::optional<std::string> tag, since, until;
    std::string limit = "20";
    bool json = false, entries = false, checklists = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "search", tr("search entries, checklists, items and file names (Chinese included)"));
  cmd->add_option("query", o->words,
                  tr("words (all must match), \"a phrase\", a OR b, -excluded, prefix*; - alone reads the query "
                     "from standard input"))->required();
  cmd->add_option("-t,--tag", o->tag, tr("only entries with this tag (- reads it from standard input)"));
  cmd->add_option("--since", o->since, tr("only entries from this day"));
  cmd->add_option("--until", o->until, tr("only entries up to the end of this day"));
  cmd->add_option("-n,--limit", o->limit, tr("at most this many results (default 20, at most 1000000)"));
  cmd->add_flag("--entries", o->entries, tr("only journal entries"));
  cmd->add_flag("--checklists", o->checklists, tr("only checklists, items and attachments"));
  cmd->add_flag("--json", o->json, tr("print JSON"));
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      // Only a query of "-" alone is read: a "-" among words is part of it.
      TextFields fields;
      if (o->words.size() == 1) fields.line(o->words[0], "QUERY");
      fields.line(o->tag, "--tag").read();
      std::string query;
      for (const auto& w : o->words) query += (query.empty() ? "" : " ") + w;
      SearchOptions opts;
      Timestamp now = now_utc();
      if (o->since) opts.since = parse_day(*o->since, now);
      if (o->until) opts.until = next_day(parse_day(*o->until, now));
      opts.tag = o->tag;
      opts.limit = parse_limit(o->limit);
      opts.scores = o->json;  // only --json prints them
      if (o->entries && !o->checklists) opts.checklists = false;
      if (o->checklists && !o->entries) opts.entries = false;
      // Mistakes in what was given are reported before the passphrase.
      check_query(query);
      if (opts.tag) normalize_tag(*opts.tag);
      Vault vault = open_vault(g, Access::read);
      auto hits = vault.search().find(query, opts);
      if (o->json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& h : hits) {
          out.push_back({{"kind", to_string(h.kind)}, {"id", h.id}, {"title", h.title},
                         {"context", h.context}, {"created", format_utc(h.created)},
                         {"snippet", h.snippet}, {"match_start", h.match_start},
                         {"match_length", h.match_length}, {"score", h.score}});
        }
        print_json(out);
        return 0;
      }
      const std::size_t cols = terminal_columns();
      // The kind column fits the widest translated kind (10 in English).
      std::size_t kind_w = 10;
      for (RecordKind k : {RecordKind::entry, RecordKind::checklist, RecordKind::item, RecordKind::attachment})
        kind_w = std::max(kind_w, display_width(kind_word(k)));
      Pager pager(g);
      for (const auto& h : hits) {
        std::string title = terminal_safe(h.title);
        std::string context = h.context.empty() ? "" : "  (" + terminal_safe(h.context) + ")";
        std::string head = h.id + "  " + pad_width(kind_word(h.kind), kind_w) + "  " + format_local(h.created) + "  ";
        const std::size_t used = display_width(head);
        if (cols > used + 16) {
          const std::size_t room = cols - used;
          if (display_width(context) > room / 2) context = fit_width(context, room / 2);
          title = fit_width(title, room - display_width(context));
        }
        std::cout << paint(h.id, "33") << "  " << pad_width(kind_word(h.kind), kind_w) << "  "
                  << format_local(h.created) << "  " << title;
        if (!context.empty()) std::cout << paint(context, "2");
        std::cout << "\n          " << highlighted(h, cols > 10 + 16 ? cols - 10 : 0) << '\n';
      }
      if (hits.empty()) note(tr("no matches"));
      return 0;
    };
  });

  CLI::App* check = app.add_subcommand("check", tr("read and verify every page of the vault (exit 5 if damaged)"));
  check->callback([&g, &run] {
    run = [&g] {
      Vault vault = open_vault(g, Access::read);
      vault.check();
      note(tr("the vault is intact"));
      return 0;
    };
  });

  CLI::App* re = app.add_subcommand("reindex", tr("rebuild the search index (for a damaged or older index)"));
  re->callback([&g, &run] {
    run = [&g] {
      Vault vault = open_vault(g, Access::write);
      std::size_t n = vault.search().rebuild(percent_progress(tr("rebuilding the search index")));
      note(trf("indexed {0} records", n));
      return 0;
    };
  });
}

}  // namespace folio::cli
