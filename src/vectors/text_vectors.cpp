// Text vectors in the style of C2SP CCTV: "key: value" lines, a blank line,
// then the bytes under test. The `format` key picks the runner:
//   (none)            an age file (CCTV's age/testdata), see age_vectors.cpp
//   folio-header-v1   a folio vault header (tests/vectors/header), here
//   folio-backup-v1   a folio backup, an age file (tests/vectors/backup), see
//                     age_vectors.cpp
// An unknown format is refused.
//
// folio header vectors (written by tests/vectors/generate.py):
//   expect:      success | wrong passphrase | header failure | unsupported version
//   passphrase:  the secret (UTF-8, as typed; NFC-normalised as folio does), or
//   recovery code: the recovery code, as written down
//   vault key:   hex, on success
//   data key:    hex, on success
//   then the 1024 header bytes.
#include <algorithm>
#include <string>

#include "crypto/keyslot.h"
#include "crypto/recovery.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/terminal.h"
#include "vectors/text_vector.h"
#include "vectors/vectors.h"

namespace folio::vectors {
namespace {

// The outcome of opening a header, in the words the vectors use, and the keys.
struct Opened {
  std::string outcome;
  std::string note;
  std::vector<std::string> keys;  // hex: the vault key, then every data key that opened
};

std::string outcome_of(Errc code) {
  switch (code) {
    case Errc::wrong_passphrase:
      return "wrong passphrase";
    case Errc::corrupt:
      return "header failure";
    case Errc::unsupported_version:
      return "unsupported version";
    default:
      return "error: " + std::string(to_string(code));
  }
}

Opened open_header_bytes(const std::vector<std::uint8_t>& body, SlotKind kind,
                         const Secret& secret) {
  if (body.size() != kHeaderSize) {
    return {"header failure", "header of " + std::to_string(body.size()) + " bytes", {}};
  }
  HeaderBytes header;
  std::copy(body.begin(), body.end(), header.begin());
  try {
    Unlocked unlocked = open_header(header, kind, secret);
    Opened out{"success", {}, {to_hex(unlocked.key.data(), unlocked.key.size())}};
    auto data_keys = open_data_slots(header, unlocked.key);
    if (data_keys.empty())
      return {"header failure", N_("no data-key slot opens with the vault key"), {}};
    for (const auto& dk : data_keys) out.keys.push_back(to_hex(dk.key.data(), dk.key.size()));
    return out;
  } catch (const Error& e) {
    return {outcome_of(e.code()), e.what(), {}};
  }
}

void run_header_vector(const std::string& file, const std::string& name, const TextVector& v,
                       const Callbacks& report) {
  Result r;
  r.file = file;
  r.id = name;
  r.expected = v.first("expect");
  auto passphrase = v.all("passphrase");
  auto code = v.all("recovery code");
  if (r.expected.empty() || passphrase.size() + code.size() != 1) {
    report.refusal(
        {file, N_("a folio header vector needs expect: and one passphrase: or recovery code:")});
    return;
  }
  SlotKind kind = passphrase.empty() ? SlotKind::recovery_code : SlotKind::passphrase;
  // A recovery code is written down in groups; the slot holds its canonical form.
  Secret secret = Secret::from(passphrase.empty() ? code[0] : passphrase[0]);
  Opened opened;
  try {
    // As the CLI reads them: a passphrase in NFC, a recovery code canonical.
    secret = kind == SlotKind::recovery_code ? canonical_recovery_code(secret)
                                             : normalize_secret(secret);
    opened = open_header_bytes(v.body, kind, secret);
  } catch (const Error& e) {
    opened = {"invalid secret", e.what(), {}};
  }
  r.got = opened.outcome;
  r.note = opened.note;
  r.verdict = r.got == r.expected ? Verdict::pass : Verdict::fail;
  if (r.verdict == Verdict::pass && r.got == "success") {
    std::string vault_key = v.first("vault key"), data_key = v.first("data key");
    if (opened.keys.empty() || opened.keys[0] != vault_key) {
      r.verdict = Verdict::fail;
      r.note = N_("opened, but not to the vault key the vector gives");
    } else if (std::find(opened.keys.begin() + 1, opened.keys.end(), data_key) ==
               opened.keys.end()) {
      r.verdict = Verdict::fail;
      r.note = N_("opened, but no data-key slot gave the data key the vector gives");
    }
  }
  report.result(r);
}

}  // namespace

TextVector parse_text_vector(const std::vector<std::uint8_t>& contents) {
  TextVector v;
  std::size_t pos = 0;
  while (pos < contents.size()) {
    std::size_t end = pos;
    while (end < contents.size() && contents[end] != '\n') ++end;
    if (end == contents.size()) throw Error(Errc::corrupt, "no blank line after the header");
    std::string line(contents.begin() + static_cast<std::ptrdiff_t>(pos),
                     contents.begin() + static_cast<std::ptrdiff_t>(end));
    pos = end + 1;
    if (line.empty()) {
      v.body.assign(contents.begin() + static_cast<std::ptrdiff_t>(pos), contents.end());
      return v;
    }
    auto colon = line.find(": ");
    if (colon == std::string::npos) throw Error(Errc::corrupt, "a header line without \": \"");
    v.fields.emplace_back(line.substr(0, colon), line.substr(colon + 2));
  }
  throw Error(Errc::corrupt, "no blank line after the header");
}

std::string TextVector::first(std::string_view key) const {
  for (const auto& [k, value] : fields) {
    if (k == key) return value;
  }
  return {};
}

std::vector<std::string> TextVector::all(std::string_view key) const {
  std::vector<std::string> out;
  for (const auto& [k, value] : fields) {
    if (k == key) out.push_back(value);
  }
  return out;
}

void run_text_vector(const std::string& file, const std::string& name,
                     const std::vector<std::uint8_t>& contents, const Callbacks& report) {
  TextVector v;
  try {
    v = parse_text_vector(contents);
  } catch (const Error& e) {
    report.refusal({file, std::string("not a test vector: ") + e.what()});
    return;
  }
  std::string format = v.first("format");
  if (format.empty()) {
    if (v.first("expect").empty()) {
      report.refusal({file, N_("not a test vector: no expect: line")});
      return;
    }
    run_age_vector(file, name, v, report);
  } else if (format == "folio-header-v1") {
    run_header_vector(file, name, v, report);
  } else if (format == "folio-backup-v1") {
    run_backup_vector(file, name, v, report);
  } else {
    report.refusal({file, "vector format \"" + format + "\" is not one folio knows"});
  }
}

}  // namespace folio::vectors
