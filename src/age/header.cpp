// The age v1 header (age.md, "Header"): the version line, one or more
// recipient stanzas, and the MAC line. Parsing is strict: anything the ABNF
// does not produce is a header failure, so the bytes the MAC covers (kept as
// read) are exactly the canonical encoding.

#include <algorithm>

#include "age/format.h"

namespace folio::age::detail {
namespace {

bool is_vchar(char c) { return c >= 0x21 && c <= 0x7e; }

// "-> arg1 arg2 ...": single spaces, each argument non-empty visible ASCII.
std::vector<std::string> parse_arguments(std::string_view line) {
  std::vector<std::string> args;
  std::string_view rest = line.substr(3);
  while (true) {
    const std::size_t space = rest.find(' ');
    const std::string_view arg = rest.substr(0, space);
    if (arg.empty()) fail(Failure::header, tr("an age stanza has an empty argument"));
    for (char c : arg) {
      if (!is_vchar(c)) fail(Failure::header, tr("an age stanza argument has an invalid character"));
    }
    args.emplace_back(arg);
    if (space == std::string_view::npos) break;
    rest = rest.substr(space + 1);
  }
  return args;
}

std::size_t budget(const std::string& raw) {
  return raw.size() < kMaxHeaderSize ? kMaxHeaderSize - raw.size() : 0;
}

// A line of the header, which always ends with LF.
std::string next_line(Input& in, std::string& raw) {
  auto line = in.line(budget(raw));
  if (!line || !line->ended) {
    if (line && line->text.size() > budget(raw)) {
      fail(Failure::header, tr("the age header is larger than folio accepts (1 MiB)"));
    }
    fail(Failure::header, tr("the age header ends early (the file is truncated)"));
  }
  raw += line->text;
  raw += '\n';
  return std::move(line->text);
}

// The body lines: full 64-column lines, then one shorter (possibly empty) line.
Bytes read_body(Input& in, std::string& raw) {
  std::string text;
  while (true) {
    const std::string line = next_line(in, raw);
    if (line.size() > kColumns)
      fail(Failure::header, tr("an age stanza line is longer than 64 columns"));
    for (char c : line) {
      if (!is_base64_char(c)) fail(Failure::header, tr("an age stanza body is not base64"));
    }
    text += line;
    if (line.size() < kColumns) break;
  }
  auto body = base64_decode(text);
  if (!body) fail(Failure::header, tr("an age stanza body is not canonical base64"));
  return std::move(*body);
}

}  // namespace

Header read_header(Input& in) {
  Header header;
  std::string raw;
  const std::string version = next_line(in, raw);
  if (version.compare(0, kVersionPrefix.size(), kVersionPrefix) != 0) {
    fail(Failure::header, tr("this is not an age file"));
  }
  if (version != kVersionLine) {
    // The version is quoted only when it is short and printable: the message
    // goes to a terminal.
    const std::string_view name = std::string_view(version).substr(kVersionPrefix.size());
    const bool printable = name.size() <= 16 && std::all_of(name.begin(), name.end(), is_vchar);
    throw FormatError(
        Failure::header, Errc::unsupported_version,
        printable ? trf("the age file has version \"{0}\"; folio reads only v1", name)
                  : std::string(tr("the age file has a version folio does not read")),
        tr("a newer age format needs a newer reader"));
  }
  while (true) {
    const std::string line = next_line(in, raw);
    if (line.compare(0, 3, "-> ") == 0) {
      Stanza stanza;
      stanza.args = parse_arguments(line);
      stanza.body = read_body(in, raw);
      header.stanzas.push_back(std::move(stanza));
      continue;
    }
    if (line.compare(0, 3, "---") == 0) {
      if (header.stanzas.empty()) fail(Failure::header, tr("the age header has no recipient stanza"));
      if (line.size() != 4 + 43 || line[3] != ' ') {
        fail(Failure::header, tr("the age header MAC line is malformed"));
      }
      auto mac = base64_decode(std::string_view(line).substr(4));
      if (!mac || mac->size() != header.mac.size()) {
        fail(Failure::header, tr("the age header MAC is not canonical base64"));
      }
      std::copy(mac->begin(), mac->end(), header.mac.begin());
      // The MAC covers the header through "---", without the space after it.
      header.mac_input = raw.substr(0, raw.size() - (line.size() + 1) + 3);
      return header;
    }
    fail(Failure::header, tr("the age header has a line that is neither a stanza nor the MAC"));
  }
}

void append_stanza(std::string& out, const Stanza& stanza) {
  out += "->";
  for (const auto& arg : stanza.args) {
    out += ' ';
    out += arg;
  }
  out += '\n';
  const std::string body = base64_encode(stanza.body);
  // Full lines, then a shorter one, which is empty when the body fills the last line.
  std::size_t pos = 0;
  for (; body.size() - pos >= kColumns; pos += kColumns) {
    out.append(body, pos, kColumns);
    out += '\n';
  }
  out.append(body, pos);
  out += '\n';
}

std::array<std::uint8_t, 32> header_mac(const Secret& file_key, std::string_view mac_input) {
  const Secret key = crypto::hkdf_sha256(crypto::view(file_key), {}, bytes_of("header"), 32);
  return crypto::hmac_sha256(crypto::view(key), bytes_of(mac_input));
}

}  // namespace folio::age::detail
