// Test vectors run through folio's own layers: Wycheproof JSON files, C2SP
// CCTV age vectors, folio's own format vectors (tests/vectors/), and the
// known-answer table behind `folio selftest`.
//
// The runner never prints: it reports each test to a callback, so the CLI
// decides how to show it (a line, or a JSON object) and the unit tests can
// collect the results.
//
// What counts:
//   pass         the result is the one the file expects (a valid test
//                computed and verified, an invalid one rejected)
//   fail         a valid test rejected or wrong, an invalid one accepted, an
//                age vector with another outcome or payload hash
//   acceptable   Wycheproof's "acceptable": either answer is allowed; listed
//                apart with the answer folio gave and the test's flags
//   unsupported  an age vector for an identity type folio does not have
//                (e.g. the post-quantum hybrid): not run, not passed
// A file the runner does not know (another schema or algorithm, not a vector
// at all) is refused: reported once, with the reason, and nothing in it counts.
//
// Language: every text in the results (note, reason, detail, the selftest
// notes) is English, so that --json output is the same in every language.
// The fixed ones are marked for translation (N_): a printer for people shows
// tr(text), which translates those and leaves the composed ones (with values
// in them) as they are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace folio::vectors {

enum class Verdict { pass, fail, acceptable, unsupported };
std::string_view to_string(Verdict v) noexcept;

struct Result {
  std::string file;      // as found (the path given, or the folder / the name)
  std::string id;        // Wycheproof's tcId, or the vector's file name
  std::string expected;  // "valid", "invalid", "acceptable"; age: "success", "no match", ...
  std::string got;       // what folio did, in the same words
  std::vector<std::string> flags;  // Wycheproof's flags
  Verdict verdict = Verdict::fail;
  std::string note;  // why, when it is not a plain pass (never a secret)
};

struct Refusal {
  std::string file;
  std::string reason;
};

struct Summary {
  std::size_t passed = 0, failed = 0, acceptable = 0, unsupported = 0;
  std::size_t files = 0, refused = 0;
  // True when nothing failed and at least one test ran.
  bool ok() const noexcept { return failed == 0 && passed + acceptable > 0; }
};

struct Callbacks {
  std::function<void(const Result&)> result;
  std::function<void(const Refusal&)> refusal;
};

// Runs every file given, and every file under every folder given (sub-folders
// too; names starting with '.', README/LICENSE, *.md and *.py skipped).
// Throws Error(not_found) for a path that does not exist; everything wrong
// inside a file is a Refusal or a failed Result, never an exception.
Summary run(const std::vector<std::filesystem::path>& paths, const Callbacks& report);

// One Wycheproof JSON file (already read).
void run_wycheproof(const std::string& file, const std::string& json_text, const Callbacks& report);

// One file in the CCTV style: "key: value" lines, a blank line, the bytes.
// Dispatched on its `format:` line: none is an age vector, "folio-header-v1"
// a folio vault header (tests/vectors/header). `name` is what the result
// calls it.
void run_text_vector(const std::string& file, const std::string& name,
                     const std::vector<std::uint8_t>& contents, const Callbacks& report);

// ---- known answers (`folio selftest`) --------------------------------------

enum class Primitive {
  argon2id,
  xchacha20poly1305,
  chacha20poly1305,
  hmac_sha256,
  hmac_sha512,
  hkdf_sha256,
  scrypt,
  x25519,
  x25519_base,
  blake2b,
  keyslot,
  backup
};

// One known-answer test. Inputs are named fields, hex unless the primitive
// says otherwise (numbers in decimal); `expected` is hex.
struct KnownAnswer {
  std::string name;
  std::string source;
  Primitive primitive;
  std::vector<std::pair<std::string, std::string>> input;
  std::string expected;
};

struct KnownAnswerResult {
  std::string name;
  std::string source;
  bool passed = false;
  std::string detail;  // for a failure: what differed
};

// The table folio ships: every vector cited to its published source.
std::vector<KnownAnswer> known_answers();

// Runs a table (the shipped one, or in tests an altered copy).
std::vector<KnownAnswerResult> run_known_answers(const std::vector<KnownAnswer>& table);

// 0 when every test passed, 1 otherwise (the exit code of `folio selftest`).
int selftest_exit_code(const std::vector<KnownAnswerResult>& results) noexcept;

// Notes printed under the table (what is and is not covered, and why).
std::vector<std::string> selftest_notes();

// ---- shared helpers ---------------------------------------------------------

// Lower-case hex <-> bytes. from_hex throws Error(invalid_argument) on an odd
// length or a non-hex character.
std::vector<std::uint8_t> from_hex(std::string_view hex);
std::string to_hex(const std::uint8_t* data, std::size_t size);
inline std::string to_hex(const std::vector<std::uint8_t>& b) { return to_hex(b.data(), b.size()); }

}  // namespace folio::vectors
