#include "folio/foreign.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>

#include <nlohmann/json.hpp>

#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/limits.h"
#include "folio/text.h"

namespace folio {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool digits_at(std::string_view s, std::size_t pos, std::size_t n) {
  if (s.size() < pos + n) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_digit(s[pos + i])) return false;
  }
  return true;
}

int number(std::string_view s, std::size_t pos, std::size_t n) {
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v * 10 + (s[pos + i] - '0');
  return v;
}

// A local date and time; nullopt when it is not a real one.
std::optional<Timestamp> local_time(int y, int mo, int d, int h, int mi, int s) {
  if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
      s > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  tm.tm_isdst = -1;
  std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1) || tm.tm_mday != d) return std::nullopt;
  return static_cast<Timestamp>(t);
}

// "YYYY-MM-DD", optionally followed by " HH:MM" or " HH:MM:SS" (or a 'T');
// `used` gets the number of bytes read.
std::optional<Timestamp> parse_stamp(std::string_view s, std::size_t& used) {
  if (!digits_at(s, 0, 4) || s.size() < 10 || s[4] != '-' || !digits_at(s, 5, 2) || s[7] != '-' ||
      !digits_at(s, 8, 2)) {
    return std::nullopt;
  }
  int y = number(s, 0, 4), mo = number(s, 5, 2), d = number(s, 8, 2), h = 0, mi = 0, sec = 0;
  used = 10;
  if (s.size() >= 16 && (s[10] == ' ' || s[10] == 'T') && digits_at(s, 11, 2) && s[13] == ':' &&
      digits_at(s, 14, 2)) {
    h = number(s, 11, 2);
    mi = number(s, 14, 2);
    used = 16;
    if (s.size() >= 19 && s[16] == ':' && digits_at(s, 17, 2)) {
      sec = number(s, 17, 2);
      used = 19;
    }
  }
  return local_time(y, mo, d, h, mi, sec);
}

void check_text(std::string_view s, const std::string& what) {
  require_utf8(s, what);
  if (s.find('\0') != std::string_view::npos) {
    throw Error(Errc::invalid_argument, trf("{0} contains a NUL byte", what),
                tr("folio imports text only; remove the NUL bytes and try again"));
  }
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

// Adds `tag` (without a leading '@') when it is a valid folio tag.
void add_tag(std::vector<std::string>& tags, std::string tag) {
  if (!tag.empty() && tag[0] == '@') tag.erase(0, 1);
  try {
    std::string t = normalize_tag(tag);
    if (std::find(tags.begin(), tags.end(), t) == tags.end()) tags.push_back(t);
  } catch (const Error&) {
    // Not a tag folio can store: it stays in the text.
  }
}

// jrnl's tags: '@' at the start or after white space, then characters up to
// white space or ASCII punctuation other than '-' and '_'.
void collect_at_tags(std::string_view text, std::vector<std::string>& tags) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '@') continue;
    if (i > 0 && !(text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n' ||
                   text[i - 1] == '(')) {
      continue;
    }
    std::size_t j = i + 1;
    while (j < text.size()) {
      unsigned char c = static_cast<unsigned char>(text[j]);
      bool stop = c <= ' ' || (c < 0x80 && std::ispunct(c) && c != '-' && c != '_');
      if (stop) break;
      ++j;
    }
    if (j > i + 1) add_tag(tags, std::string(text.substr(i + 1, j - i - 1)));
    i = j - 1;
  }
}

// Checks a draft as Journal::add will, naming `where` in the message.
void check_draft(EntryDraft& d, const std::string& where) {
  check_text(d.body, where);
  check_text_size(d.body, where);
  if (d.title) {
    check_text(*d.title, where);
    d.title = single_line(*d.title, trf("{0}: the title", where), kMaxTitleChars);
    if (d.title->empty()) d.title.reset();
  }
  if (d.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    // A title-only entry (common in jrnl): the title is its text too.
    if (!d.title) throw Error(Errc::invalid_argument, trf("{0} is empty", where));
    d.body = *d.title;
  }
  std::sort(d.tags.begin(), d.tags.end());
}

// TRANSLATORS: names the n-th entry of an imported file in a message, as in "entry 3 is empty".
std::string entry_where(std::size_t n) { return trf("entry {0}", n); }

// Reads a regular file through `fd` (which it closes), at most the limit.
std::string read_all(int fd, const std::string& what) {
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw Error(Errc::io, trf("cannot read {0}: {1}", what, std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) throw Error(Errc::invalid_argument, trf("{0} is not a regular file", what));
  if (static_cast<std::uint64_t>(st.st_size) > kMaxForeignFileBytes) {
    throw Error(Errc::invalid_argument, trf("{0} is larger than 64 MiB", what),
                tr("split it into smaller files and import them one by one"));
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(Errc::io, trf("cannot read {0}: {1}", what, std::strerror(errno)));
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > kMaxForeignFileBytes) {
      throw Error(Errc::invalid_argument, trf("{0} is larger than 64 MiB", what));
    }
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::string what = "'" + terminal_safe(path) + "'";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    Errc code = errno == ENOENT ? Errc::not_found : Errc::io;
    throw Error(code, trf("cannot open {0}: {1}", what, std::strerror(errno)));
  }
  return read_all(fd, what);
}

}  // namespace

ForeignFormat parse_foreign_format(std::string_view name) {
  if (name == "jrnl") return ForeignFormat::jrnl;
  if (name == "jrnl-json") return ForeignFormat::jrnl_json;
  if (name == "markdown") return ForeignFormat::markdown;
  throw Error(Errc::invalid_argument, trf("unknown import format '{0}'", terminal_safe(name)),
              tr("use --from jrnl, --from jrnl-json or --from markdown"));
}

std::vector<EntryDraft> parse_jrnl_text(std::string_view text) {
  require_utf8(text, tr("the jrnl file"));
  std::vector<EntryDraft> out;
  std::string body;
  auto finish = [&] {
    if (out.empty()) return;
    auto& d = out.back();
    auto e = body.find_last_not_of(" \t\r\n");
    d.body = e == std::string::npos ? "" : body.substr(0, e + 1);
    auto b = d.body.find_first_not_of("\r\n");
    d.body = b == std::string::npos ? "" : d.body.substr(b);
    collect_at_tags(d.body, d.tags);
    check_draft(d, entry_where(out.size()));
    body.clear();
  };
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
    std::string_view l = line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    bool bracket = !l.empty() && l[0] == '[';
    std::string_view stamp = bracket ? l.substr(1) : l;
    std::size_t used = 0;
    auto when = parse_stamp(stamp, used);
    bool header = false;
    std::string_view rest;
    if (when && used > 10) {
      if (bracket) {
        if (stamp.size() > used && stamp[used] == ']') {
          header = true;
          rest = stamp.substr(used + 1);
        }
      } else if (stamp.size() == used || stamp[used] == ' ') {
        header = true;
        rest = stamp.substr(used);
      }
    }
    if (header) {
      finish();
      EntryDraft d;
      d.created = *when;
      std::string title = trim(rest);
      if (title.size() >= 1 && title.back() == '*' &&
          (title.size() == 1 || title[title.size() - 2] == ' ')) {
        title.pop_back();
        title = trim(title);
        d.tags.push_back("starred");
      } else if (!title.empty() && title[0] == '*' && (title.size() == 1 || title[1] == ' ')) {
        title = trim(std::string_view(title).substr(1));
        d.tags.push_back("starred");
      }
      collect_at_tags(title, d.tags);
      if (!title.empty()) d.title = title;
      out.push_back(std::move(d));
    } else if (!out.empty()) {
      body.append(line);
      body.push_back('\n');
    } else if (trim(l).size() > 0) {
      throw Error(Errc::invalid_argument, tr("this is not a jrnl journal: the first line is no entry header"),
                  tr("an entry starts with a line like '[2026-11-28 14:05] Title' (jrnl --export txt)"));
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  finish();
  if (out.empty()) {
    throw Error(Errc::invalid_argument, tr("the jrnl file has no entries"),
                tr("an entry starts with a line like '[2026-11-28 14:05] Title' (jrnl --export txt)"));
  }
  return out;
}

std::vector<EntryDraft> parse_jrnl_json(std::string_view text) {
  require_utf8(text, tr("the jrnl JSON file"));
  nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  const char* hint = tr("give the output of 'jrnl --export json'");
  if (doc.is_discarded()) throw Error(Errc::invalid_argument, tr("the file is not valid JSON"), hint);
  if (!doc.is_object() || !doc.contains("entries") || !doc["entries"].is_array()) {
    throw Error(Errc::invalid_argument, tr("the JSON file has no \"entries\" list"), hint);
  }
  std::vector<EntryDraft> out;
  for (const auto& e : doc["entries"]) {
    std::string where = entry_where(out.size() + 1);
    auto str = [&](const char* key) -> std::string {
      if (!e.is_object() || !e.contains(key)) return "";
      if (!e[key].is_string()) throw Error(Errc::invalid_argument, trf("{0}: \"{1}\" is not text", where, key), hint);
      return e[key].get<std::string>();
    };
    if (!e.is_object()) throw Error(Errc::invalid_argument, trf("{0} is not an object", where), hint);
    EntryDraft d;
    std::string date = str("date"), time = str("time");
    std::size_t used = 0;
    std::string stamp = time.empty() ? date : date + " " + time;
    auto when = parse_stamp(stamp, used);
    if (!when || used != stamp.size()) {
      throw Error(Errc::invalid_argument, trf("{0}: the date '{1}' is not YYYY-MM-DD HH:MM", where, terminal_safe(stamp)), hint);
    }
    d.created = *when;
    std::string title = str("title");
    if (!title.empty()) d.title = title;
    d.body = str("body");
    if (e.contains("tags")) {
      if (!e["tags"].is_array()) throw Error(Errc::invalid_argument, trf("{0}: \"tags\" is not a list", where), hint);
      for (const auto& t : e["tags"]) {
        if (!t.is_string()) throw Error(Errc::invalid_argument, trf("{0}: a tag is not text", where), hint);
        add_tag(d.tags, t.get<std::string>());
      }
    }
    if (e.contains("starred") && e["starred"].is_boolean() && e["starred"].get<bool>()) {
      add_tag(d.tags, "starred");
    }
    check_draft(d, where);
    out.push_back(std::move(d));
  }
  if (out.empty()) throw Error(Errc::invalid_argument, tr("the jrnl JSON file has no entries"), hint);
  return out;
}

EntryDraft parse_markdown_entry(std::string_view text, std::string_view file_name, Timestamp mtime) {
  std::string where = "'" + terminal_safe(file_name) + "'";
  check_text(text, where);
  EntryDraft d;
  std::string_view rest = text;
  if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);  // a BOM
  auto next_line = [](std::string_view& s) {
    auto nl = s.find('\n');
    std::string_view line = s.substr(0, nl);
    s = nl == std::string_view::npos ? std::string_view() : s.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  };
  auto unquote = [](std::string v) {
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
      v = v.substr(1, v.size() - 2);
    }
    return v;
  };
  bool dated = false;
  {
    std::string_view probe = rest;
    if (trim(next_line(probe)) == "---") {
      std::string_view fm = probe;
      bool closed = false;
      std::vector<std::pair<std::string, std::string>> fields;
      while (!fm.empty()) {
        std::string line = trim(next_line(fm));
        if (line == "---" || line == "...") {
          closed = true;
          break;
        }
        fields.emplace_back(line, "");
      }
      if (closed) {
        rest = fm;
        std::string list_key;
        for (auto& [line, unused] : fields) {
          if (line.empty() || line[0] == '#') continue;
          if (line[0] == '-' && list_key == "tags") {
            add_tag(d.tags, unquote(trim(std::string_view(line).substr(1))));
            continue;
          }
          auto colon = line.find(':');
          if (colon == std::string::npos) continue;
          std::string key = trim(std::string_view(line).substr(0, colon));
          std::string value = unquote(trim(std::string_view(line).substr(colon + 1)));
          list_key = key;
          if (key == "title") {
            if (!value.empty()) d.title = value;
          } else if (key == "date") {
            std::size_t used = 0;
            auto when = parse_stamp(value, used);
            if (!when) {
              throw Error(Errc::invalid_argument,
                          trf("{0}: the date '{1}' is not YYYY-MM-DD", where, terminal_safe(value)),
                          tr("write date: 2026-11-28 or date: 2026-11-28 14:05"));
            }
            d.created = *when;
            dated = true;
          } else if (key == "tags" && !value.empty()) {
            std::string v = value;
            if (v.front() == '[' && v.back() == ']') v = v.substr(1, v.size() - 2);
            std::size_t start = 0;
            while (start <= v.size()) {
              auto comma = v.find(',', start);
              if (comma == std::string::npos) comma = v.size();
              std::string t = unquote(trim(std::string_view(v).substr(start, comma - start)));
              if (!t.empty()) add_tag(d.tags, t);
              start = comma + 1;
            }
          }
        }
      }
    }
  }
  if (!d.title) {
    std::string_view probe = rest;
    while (!probe.empty()) {
      std::string_view before = probe;
      std::string line = trim(next_line(probe));
      if (line.empty()) continue;
      if (line.size() >= 2 && line[0] == '#' && line[1] == ' ') {
        d.title = trim(std::string_view(line).substr(2));
        rest = probe;
      } else {
        rest = before;
      }
      break;
    }
  }
  auto b = rest.find_first_not_of("\r\n");
  d.body = b == std::string_view::npos ? "" : std::string(rest.substr(b));
  auto e = d.body.find_last_not_of(" \t\r\n");
  d.body.resize(e == std::string::npos ? 0 : e + 1);
  if (!dated) {
    std::size_t used = 0;
    auto when = parse_stamp(file_name, used);
    d.created = when ? *when : mtime;
  }
  check_draft(d, where);
  return d;
}

std::vector<EntryDraft> read_markdown_folder(const std::string& folder,
                                             std::vector<std::string>* skipped) {
  std::string what = "'" + terminal_safe(folder) + "'";
  int dfd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    Errc code = errno == ENOENT ? Errc::not_found : errno == ENOTDIR ? Errc::invalid_argument : Errc::io;
    throw Error(code, trf("cannot open the folder {0}: {1}", what, std::strerror(errno)),
                tr("--from markdown takes a folder of .md files"));
  }
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(dfd), &::closedir);
  if (!dir) {
    ::close(dfd);
    throw Error(Errc::io, trf("cannot read the folder {0}", what));
  }
  std::vector<std::string> names;
  while (dirent* de = ::readdir(dir.get())) {
    std::string name = de->d_name;
    if (name.size() < 4 || name.compare(name.size() - 3, 3, ".md") != 0 || name[0] == '.') continue;
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  std::vector<EntryDraft> out;
  for (const auto& name : names) {
    struct stat st {};
    if (::fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
      if (skipped) skipped->push_back(name);
      continue;
    }
    int fd = ::openat(dfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
      if (skipped) skipped->push_back(name);
      continue;
    }
    std::string text = read_all(fd, "'" + terminal_safe(name) + "'");
    out.push_back(parse_markdown_entry(text, name, static_cast<Timestamp>(st.st_mtime)));
  }
  if (out.empty()) {
    throw Error(Errc::invalid_argument, trf("the folder {0} has no Markdown files (*.md)", what));
  }
  return out;
}

std::vector<EntryDraft> read_foreign(ForeignFormat format, const std::string& path,
                                     std::vector<std::string>* skipped) {
  switch (format) {
    case ForeignFormat::jrnl:
      return parse_jrnl_text(read_file(path));
    case ForeignFormat::jrnl_json:
      return parse_jrnl_json(read_file(path));
    case ForeignFormat::markdown:
      return read_markdown_folder(path, skipped);
  }
  throw Error(Errc::internal, "unknown import format");
}

}  // namespace folio
