// Age-file vectors, decrypted with folio::age::Reader, the reader folio's
// backups use:
//   - C2SP CCTV age vectors (age/testdata). Per the CCTV README, the outcome
//     must be the `expect` line, and all plaintext the reader released, even
//     before a payload failure, must hash (SHA-256) to `payload`.
//   - folio's backup vectors (tests/vectors/backup, `format: folio-backup-v1`):
//     the same, and the plaintext must be a folio backup payload as far as
//     its frame goes (FORMAT.md, "Backups: the payload"): the first line
//     {"format": "folio-backup", "version": N} with N at most kPayloadVersion,
//     one JSON object with a "type" per line, each line ending in LF, and
//     last the "end" line whose counts are the lines of each type. The
//     records themselves are the import's to check (tests/cli/test_vectors.py
//     runs every backup vector through `folio import` too).
//
// The outcome is the part of the file the Reader's FormatError names (armor,
// header, hmac, no_match, payload); any other error is a failure of the test.
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "age/age.h"
#include "crypto/sha256.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "vectors/text_vector.h"

namespace folio::vectors {
namespace {

class BufferSource : public age::Source {
 public:
  explicit BufferSource(const std::vector<std::uint8_t>& bytes) : bytes_(bytes) {}
  std::size_t read(std::span<std::uint8_t> out) override {
    std::size_t n = std::min(out.size(), bytes_.size() - pos_);
    if (n > 0) std::memcpy(out.data(), bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  const std::vector<std::uint8_t>& bytes_;
  std::size_t pos_ = 0;
};

// zlib-compressed vectors (`compressed: zlib`); some inflate to megabytes,
// none near the bound, which keeps a hostile file from filling memory.
constexpr std::size_t kMaxInflated = std::size_t{256} << 20;

std::vector<std::uint8_t> inflate_zlib(const std::vector<std::uint8_t>& in) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) throw Error(Errc::internal, "zlib could not start");
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> chunk(1 << 16);
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  int status = Z_OK;
  while (status == Z_OK) {
    z.next_out = chunk.data();
    z.avail_out = static_cast<uInt>(chunk.size());
    status = inflate(&z, Z_NO_FLUSH);
    out.insert(out.end(), chunk.begin(),
               chunk.begin() + static_cast<std::ptrdiff_t>(chunk.size() - z.avail_out));
    if (status == Z_BUF_ERROR && z.avail_in == 0) break;
    if (out.size() > kMaxInflated) {
      inflateEnd(&z);
      throw Error(Errc::refused, "the vector inflates to more than 256 MiB");
    }
  }
  inflateEnd(&z);
  if (status != Z_STREAM_END) throw Error(Errc::corrupt, "the zlib stream is damaged");
  return out;
}

bool supported_identity(const std::string& text) { return text.rfind("AGE-SECRET-KEY-1", 0) == 0; }

// The newest backup payload version folio reads (include/folio/backup.h's
// kBackupVersion on the backup branch; the vectors are version 1).
constexpr int kPayloadVersion = 1;
// Backup vectors are small; a payload above this is not kept for the checks.
constexpr std::size_t kMaxKept = std::size_t{64} << 20;

struct Decrypted {
  std::string outcome;
  std::string note;
  std::string payload_hash;  // of everything released before the end or the error
  std::string plaintext;     // kept when asked, up to kMaxKept bytes
  bool kept_all = true;
};

Decrypted decrypt(const std::vector<std::uint8_t>& file, const age::DecryptOptions& options,
                  bool keep = false) {
  BufferSource source(file);
  crypto::Sha256 hash;
  Decrypted out;
  try {
    age::Reader reader(source, options);
    std::vector<std::uint8_t> buffer(1 << 16);
    while (std::size_t n = reader.read(buffer)) {
      hash.update(buffer.data(), n);
      if (keep && out.plaintext.size() + n <= kMaxKept) {
        out.plaintext.append(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n));
      } else {
        out.kept_all = false;
      }
    }
    out.outcome = "success";
  } catch (const age::FormatError& e) {
    out.outcome = std::string(age::to_string(e.failure()));
    out.note = e.what();
  } catch (const Error& e) {
    out.outcome = "error (" + std::string(to_string(e.code())) + ")";
    out.note = e.what();
  }
  auto digest = hash.finish();
  out.payload_hash = to_hex(digest.data(), digest.size());
  return out;
}

// The type of one payload line, or "" if it is not a JSON object with one.
std::string line_type(std::string_view line) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) return {};
  return j["type"].get<std::string>();
}

// What a decrypted payload is: "success" for a folio backup folio reads,
// "unsupported version" for a newer one, "payload damaged" when its frame is
// broken, else "not a folio backup".
std::string payload_kind(const std::string& payload, std::string& note) {
  auto first_end = payload.find('\n');
  auto head = nlohmann::json::parse(payload.substr(0, first_end), nullptr, false);
  bool ours = first_end != std::string::npos && first_end <= 4096 && head.is_object() &&
              head.contains("format") && head["format"] == "folio-backup" &&
              head.contains("version") && head["version"].is_number_integer();
  if (!ours) {
    note = "the first line is not {\"format\": \"folio-backup\", \"version\": N}";
    return "not a folio backup";
  }
  if (head["version"].get<long long>() > kPayloadVersion) {
    note = "payload version " + std::to_string(head["version"].get<long long>());
    return "unsupported version";
  }
  if (payload.back() != '\n') {
    note = N_("the last line has no LF");
    return "payload damaged";
  }
  // Count the record lines by type; the last line must be "end" with those counts.
  std::map<std::string, long long> counted;
  std::string_view rest(payload);
  rest.remove_prefix(first_end + 1);
  std::string last;
  while (!rest.empty()) {
    auto end = rest.find('\n');
    std::string type = line_type(rest.substr(0, end));
    if (type.empty()) {
      note = N_("a line that is not a JSON object with a type");
      return "payload damaged";
    }
    if (end + 1 == rest.size()) last = std::string(rest.substr(0, end));
    if (end + 1 != rest.size()) ++counted[type];
    rest.remove_prefix(end + 1);
  }
  auto tail = nlohmann::json::parse(last, nullptr, false);
  if (last.empty() || tail.value("type", "") != "end") {
    note = N_("no end line: the payload is cut short");
    return "payload damaged";
  }
  static const std::pair<const char*, const char*> kinds[] = {
      {"entries", "entry"}, {"checklists", "checklist"}, {"items", "item"},
      {"links", "link"},    {"templates", "template"},   {"attachments", "attachment"},
      {"chunks", "chunk"}};
  long long listed = 0;
  for (const auto& [count, type] : kinds) {
    auto it = tail.find(count);
    if (it == tail.end() || !it->is_number_integer() || it->get<long long>() != counted[type]) {
      note = std::string("the end line's ") + count + " is not the number of " + type + " lines";
      return "payload damaged";
    }
    listed += counted[type];
  }
  long long lines = 0;
  for (const auto& [type, n] : counted) lines += n;
  if (lines != listed) {
    note = N_("a record of a type the end line does not count");
    return "payload damaged";
  }
  return "success";
}

}  // namespace

void run_backup_vector(const std::string& file, const std::string& name, const TextVector& v,
                       const Callbacks& report) {
  Result r;
  r.file = file;
  r.id = name;
  r.expected = v.first("expect");
  age::DecryptOptions options;
  try {
    for (const auto& identity : v.all("identity"))
      options.identities.push_back(age::parse_identity(identity));
  } catch (const Error& e) {
    report.refusal({file, std::string("the vector's identity was refused: ") + e.what()});
    return;
  }
  Decrypted d = decrypt(v.body, options, true);
  r.got = d.outcome;
  r.note = d.note;
  if (d.outcome == "success" && !d.kept_all) {
    report.refusal({file, N_("a backup vector's payload is limited to 64 MiB")});
    return;
  }
  if (d.outcome == "success") r.got = payload_kind(d.plaintext, r.note);
  if (r.got != r.expected) {
    r.verdict = Verdict::fail;
  } else if (v.first("payload") != d.payload_hash) {
    r.verdict = Verdict::fail;
    r.note = "payload SHA-256 " + d.payload_hash + ", the vector says " + v.first("payload");
  } else {
    r.verdict = Verdict::pass;
  }
  report.result(r);
}

void run_age_vector(const std::string& file, const std::string& name, const TextVector& v,
                    const Callbacks& report) {
  Result r;
  r.file = file;
  r.id = name;
  r.expected = v.first("expect");

  age::DecryptOptions options;
  for (const auto& identity : v.all("identity")) {
    if (!supported_identity(identity)) {
      r.got = "unsupported";
      r.verdict = Verdict::unsupported;
      r.note = "identity type " + identity.substr(0, identity.find('1')) + " is not one folio has";
      report.result(r);
      return;
    }
    try {
      options.identities.push_back(age::parse_identity(identity));
    } catch (const Error& e) {
      r.got = "error (identity)";
      r.verdict = Verdict::fail;
      r.note = std::string("the vector's identity was refused: ") + e.what();
      report.result(r);
      return;
    }
  }
  // age takes one passphrase; CCTV's two-passphrase vector expects a header
  // failure whichever is tried.
  auto passphrases = v.all("passphrase");
  Secret passphrase;
  if (!passphrases.empty()) {
    passphrase = Secret::from(passphrases[0]);
    options.passphrase = &passphrase;
  }

  std::vector<std::uint8_t> bytes;
  try {
    std::string compressed = v.first("compressed");
    if (compressed.empty()) {
      bytes = v.body;
    } else if (compressed == "zlib") {
      bytes = inflate_zlib(v.body);
    } else {
      report.refusal({file, "compression \"" + compressed + "\" is not one folio knows"});
      return;
    }
  } catch (const Error& e) {
    report.refusal({file, e.what()});
    return;
  }

  Decrypted d = decrypt(bytes, options);
  r.got = d.outcome;
  r.note = d.note;
  std::string want_hash = v.first("payload");
  if (r.got != r.expected) {
    r.verdict = Verdict::fail;
  } else if (!want_hash.empty() && want_hash != d.payload_hash) {
    r.verdict = Verdict::fail;
    r.note = "payload SHA-256 " + d.payload_hash + ", the vector says " + want_hash;
  } else {
    r.verdict = Verdict::pass;
  }
  report.result(r);
}

}  // namespace folio::vectors
