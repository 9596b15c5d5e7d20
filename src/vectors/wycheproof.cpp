// Wycheproof test files (C2SP/wycheproof, testvectors_v1) run through
// folio::crypto, the wrappers folio's own code uses. Dispatch is on the
// file's `schema` and `algorithm`; anything else is refused, never skipped
// silently.
//
// Each test becomes "valid" (folio computed and verified the expected bytes)
// or "invalid" (folio rejected it: a failed tag, a wrong size refused by the
// wrapper, a zero shared secret). A wrong answer (a shared secret, an HKDF
// output or an opened plaintext other than the file's) is a failure whatever
// the file expects, `acceptable` included: only a refusal counts as
// rejecting. A wrapper that throws anything but Error(invalid_argument) is a
// failure of the test, reported with its message.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "crypto/primitives.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "vectors/vectors.h"

namespace folio::vectors {
namespace {

using crypto::Bytes;
using crypto::ByteView;
using nlohmann::json;

// What folio made of one test: accepted (with the reason when not), or
// rejected and why.
// `broken`: folio gave a wrong answer, or contradicted itself (it opened the
// ciphertext but seals the message to other bytes), a failure whatever the
// file expects.
struct Answer {
  bool accepted = false;
  std::string note;
  bool broken = false;
};

Answer rejected(std::string why) { return {false, std::move(why)}; }
Answer wrong(std::string what) { return {false, std::move(what), true}; }
Answer accepted() { return {true, {}}; }

Bytes hex_field(const json& test, const char* name) {
  return from_hex(test.at(name).get<std::string>());
}

bool same(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

// -- AEAD ---------------------------------------------------------------------

// Valid means: seal gives ct || tag, and open gives back msg. Every test goes
// to the wrapper, which refuses wrong key and nonce sizes and a short input.
Answer aead(bool extended, const json& test) {
  Bytes key = hex_field(test, "key"), iv = hex_field(test, "iv"), aad = hex_field(test, "aad");
  Bytes msg = hex_field(test, "msg"), ct = hex_field(test, "ct"), tag = hex_field(test, "tag");
  Bytes sealed = ct;
  sealed.insert(sealed.end(), tag.begin(), tag.end());
  try {
    auto opened = extended ? crypto::xchacha20poly1305_open(key, iv, aad, sealed)
                           : crypto::chacha20poly1305_open(key, iv, aad, sealed);
    if (!opened) return rejected(N_("tag rejected"));
    if (!same(*opened, msg)) return wrong(N_("opened to other bytes than msg"));
    Bytes again = extended ? crypto::xchacha20poly1305_seal(key, iv, aad, msg)
                           : crypto::chacha20poly1305_seal(key, iv, aad, msg);
    if (!same(again, sealed)) return {true, N_("opened, but sealing msg gave other bytes"), true};
    return accepted();
  } catch (const Error& e) {
    if (e.code() != Errc::invalid_argument) throw;
    return rejected(std::string("refused: ") + e.what());
  }
}

// -- MAC ----------------------------------------------------------------------

// Truncated tags: the first tagSize/8 bytes of the full MAC.
Answer mac(bool wide, std::size_t tag_bits, const json& test) {
  Bytes key = hex_field(test, "key"), msg = hex_field(test, "msg"), tag = hex_field(test, "tag");
  std::size_t want = tag_bits / 8;
  if (tag.size() != want) return rejected("tag of " + std::to_string(tag.size()) + " bytes");
  if (wide) {
    auto full = crypto::hmac_sha512(key, msg);
    if (want > full.size()) return rejected(N_("tag longer than the MAC"));
    return same(ByteView(full.data(), want), tag) ? accepted() : rejected(N_("MAC differs"));
  }
  auto full = crypto::hmac_sha256(key, msg);
  if (want > full.size()) return rejected(N_("tag longer than the MAC"));
  return same(ByteView(full.data(), want), tag) ? accepted() : rejected(N_("MAC differs"));
}

// -- HKDF ---------------------------------------------------------------------

Answer hkdf(const json& test) {
  Bytes ikm = hex_field(test, "ikm"), salt = hex_field(test, "salt");
  Bytes info = hex_field(test, "info"), okm = hex_field(test, "okm");
  auto size = test.at("size").get<std::size_t>();
  try {
    Secret out = crypto::hkdf_sha256(ikm, salt, info, size);
    return same(crypto::view(out), okm) ? accepted() : wrong(N_("output differs"));
  } catch (const Error& e) {
    if (e.code() != Errc::invalid_argument) throw;
    return rejected(std::string("refused: ") + e.what());
  }
}

// -- X25519 -------------------------------------------------------------------

Answer x25519(const json& test) {
  Bytes priv = hex_field(test, "private"), pub = hex_field(test, "public");
  Bytes shared = hex_field(test, "shared");
  try {
    auto out = crypto::x25519(priv, pub);
    if (!out) return rejected(N_("all-zero shared secret refused"));
    return same(*out, shared) ? accepted() : wrong(N_("shared secret differs"));
  } catch (const Error& e) {
    if (e.code() != Errc::invalid_argument) throw;
    return rejected(std::string("refused: ") + e.what());
  }
}

// -- dispatch -----------------------------------------------------------------

// What one test group runs, or nullopt with the reason in `why`.
using Runner = std::function<Answer(const json& test)>;

std::optional<Runner> runner_for(const std::string& schema, const std::string& algorithm,
                                 const json& group, std::string& why) {
  if (schema == "aead_test_schema_v1.json") {
    if (algorithm == "CHACHA20-POLY1305")
      return Runner([](const json& t) { return aead(false, t); });
    if (algorithm == "XCHACHA20-POLY1305")
      return Runner([](const json& t) { return aead(true, t); });
  } else if (schema == "mac_test_schema_v1.json") {
    auto bits = group.at("tagSize").get<std::size_t>();
    if (algorithm == "HMACSHA256")
      return Runner([bits](const json& t) { return mac(false, bits, t); });
    if (algorithm == "HMACSHA512")
      return Runner([bits](const json& t) { return mac(true, bits, t); });
  } else if (schema == "hkdf_test_schema_v1.json") {
    if (algorithm == "HKDF-SHA-256") return Runner(hkdf);
  } else if (schema == "xdh_comp_schema_v1.json") {
    auto curve = group.value("curve", std::string());
    if (algorithm == "XDH" && curve == "curve25519") return Runner(x25519);
    why = "curve " + (curve.empty() ? std::string("(none)") : curve) +
          " is not one folio uses (folio uses curve25519 only)";
    return std::nullopt;
  }
  auto named = [](const std::string& s) { return s.empty() ? std::string("(none)") : s; };
  why = "algorithm " + named(algorithm) + " (schema " + named(schema) +
        ") is not one folio uses; folio runs ChaCha20-Poly1305, XChaCha20-Poly1305, "
        "HMAC-SHA256/512, HKDF-SHA-256 and X25519";
  return std::nullopt;
}

Result judge(const std::string& file, const json& test, const Answer& answer) {
  Result r;
  r.file = file;
  r.id = std::to_string(test.at("tcId").get<long long>());
  r.expected = test.at("result").get<std::string>();
  r.got = answer.accepted ? "valid" : "invalid";
  for (const auto& f : test.value("flags", json::array())) r.flags.push_back(f.get<std::string>());
  r.note = answer.note;
  if (answer.broken) {
    r.verdict = Verdict::fail;
  } else if (r.expected == "acceptable") {
    r.verdict = Verdict::acceptable;
  } else if (r.expected == "valid" || r.expected == "invalid") {
    r.verdict = r.expected == r.got ? Verdict::pass : Verdict::fail;
  } else {
    r.verdict = Verdict::fail;
    r.note = "unknown expected result \"" + r.expected + "\"";
  }
  return r;
}

}  // namespace

void run_wycheproof(const std::string& file, const std::string& json_text,
                    const Callbacks& report) {
  json doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("testGroups")) {
    report.refusal({file, N_("not a Wycheproof test file (no JSON object with testGroups)")});
    return;
  }
  // Every group must be one folio runs before any test counts: a file is
  // taken whole or refused whole.
  std::vector<Runner> runners;
  try {
    std::string schema = doc.value("schema", std::string());
    std::string algorithm = doc.value("algorithm", std::string());
    for (const auto& group : doc.at("testGroups")) {
      if (!group.is_object() || !group.contains("tests") || !group.at("tests").is_array()) {
        report.refusal({file, N_("malformed Wycheproof file: a test group without a list of tests")});
        return;
      }
      std::string why;
      auto runner = runner_for(schema, algorithm, group, why);
      if (!runner) {
        report.refusal({file, why});
        return;
      }
      runners.push_back(std::move(*runner));
    }
    std::size_t g = 0;
    for (const auto& group : doc.at("testGroups")) {
      for (const auto& test : group.at("tests")) {
        Answer answer;
        try {
          answer = runners[g](test);
        } catch (const Error& e) {
          // An unexpected error is never a pass, even for an invalid test.
          answer = {false, std::string("error: ") + e.what(), true};
        } catch (const json::exception& e) {
          answer = {false, std::string("malformed test: ") + e.what(), true};
        }
        report.result(judge(file, test, answer));
      }
      ++g;
    }
  } catch (const json::exception& e) {
    report.refusal({file, std::string("malformed Wycheproof file: ") + e.what()});
  }
}

}  // namespace folio::vectors
