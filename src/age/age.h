// The age v1 file format (C2SP age.md), written and read with folio's own code
// on libsodium: X25519 and scrypt recipients, the STREAM payload in 64 KiB
// chunks, the ASCII armor. Streaming both ways: memory stays constant whatever
// the payload size.
//
// Errors (folio::Error):
//   corrupt            a header, HMAC, payload, chunk or armor failure,
//                      truncation, trailing data, non-canonical encodings
//   wrong_passphrase   no stanza opened with the identities or passphrase given
//   refused            a scrypt work factor above the caller's bound
//   unsupported_version  "age-encryption.org/v1" is not the version line
//   invalid_argument   a malformed recipient or identity string
//   io                 the Sink or Source failed
// Every failure of the file itself is thrown as a FormatError, which also says
// which part failed (the classes of the C2SP CCTV age vectors).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "folio/error.h"
#include "folio/secret.h"

namespace folio::age {

// Which part of an age file was rejected.
enum class Failure {
  armor,     // the ASCII armor is not strict PEM (code corrupt)
  header,    // the header does not parse, or a stanza addressed to us is malformed
             // (corrupt; unsupported_version for another version line; refused for
             // a scrypt work factor above the bound)
  hmac,      // the file key was found but the header MAC does not match (corrupt)
  no_match,  // no stanza opens with the identities or passphrase (wrong_passphrase)
  payload,   // a chunk fails, is missing, is empty or is followed by data (corrupt)
};

// The outcome's name as the CCTV age vectors write it after "expect:":
// "armor failure", "header failure", "HMAC failure", "no match", "payload failure".
std::string_view to_string(Failure failure) noexcept;

class FormatError : public Error {
 public:
  FormatError(Failure failure, Errc code, std::string message, std::string hint = {})
      : Error(code, std::move(message), std::move(hint)), failure_(failure) {}
  Failure failure() const noexcept { return failure_; }

 private:
  Failure failure_;
};

// Where bytes go and come from (a file descriptor, a buffer, a test double).
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void write(std::span<const std::uint8_t> bytes) = 0;
};
class Source {
 public:
  virtual ~Source() = default;
  // Up to out.size() bytes; 0 only at the end of the input.
  virtual std::size_t read(std::span<std::uint8_t> out) = 0;
};

struct X25519Recipient {
  std::array<std::uint8_t, 32> point{};
};
struct X25519Identity {
  Secret scalar;  // 32 bytes
  X25519Recipient recipient() const;
};

// "age1..." (bech32, lower case) <-> recipient.
X25519Recipient parse_recipient(std::string_view text);
std::string encode_recipient(const X25519Recipient& recipient);
// "AGE-SECRET-KEY-1..." (bech32, upper case) <-> identity.
X25519Identity parse_identity(std::string_view text);
Secret encode_identity(const X25519Identity& identity);
X25519Identity generate_identity();
// An identity file as age-keygen writes it: '#' comments, blank lines, one
// AGE-SECRET-KEY-1 per line.
std::vector<X25519Identity> parse_identity_file(std::string_view contents);

struct EncryptOptions {
  std::vector<X25519Recipient> recipients;
  // Set for a passphrase file. age allows the scrypt stanza only alone, so a
  // passphrase together with recipients is invalid_argument.
  const Secret* passphrase = nullptr;
  unsigned scrypt_work_factor = 18;
  bool armor = false;
};

class Writer {
 public:
  // Writes the header to `out` at once (with armor, the encoded lines are
  // gathered and written about 64 KiB at a time, the rest at finish()).
  Writer(Sink& out, const EncryptOptions& options);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  void write(std::span<const std::uint8_t> plaintext);
  // Seals the last chunk (and writes the armor footer). Must be called once;
  // a Writer destroyed without finish() has written a file age rejects.
  void finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

struct DecryptOptions {
  std::vector<X25519Identity> identities;
  const Secret* passphrase = nullptr;
  unsigned max_scrypt_work_factor = 22;
  // Without identities or a passphrase: called once the header is known to
  // hold a well-formed scrypt stanza (so a file encrypted to public keys is
  // refused before anyone is asked for a passphrase, as age -d does).
  std::function<Secret()> ask_passphrase;
};

class Reader {
 public:
  // Reads the header (armored or not, detected), checks its MAC and unwraps
  // the file key.
  Reader(Source& in, const DecryptOptions& options);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  // Authenticated plaintext, up to out.size() bytes (out must not be
  // empty); fewer at a chunk boundary, since what is verified is handed over
  // before the next chunk is read. Returns 0 only after the final chunk has
  // been verified and the input is at its end; until then a payload failure
  // may still come, so a caller must not treat the plaintext as complete
  // before that 0. After a failure every read fails.
  std::size_t read(std::span<std::uint8_t> out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace folio::age
