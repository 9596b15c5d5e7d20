// Internals of folio's age implementation, shared by the files of src/age/:
// the encodings (base64, bech32), the buffered input the header parser and the
// payload reader share, the header, the recipient stanzas, the STREAM cipher
// and the ASCII armor. Nothing here is part of the public API (age.h is).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "age/age.h"
#include "folio/i18n.h"
#include "crypto/primitives.h"
#include "text/base64.h"

namespace folio::age::detail {

using crypto::Bytes;
using crypto::ByteView;

inline constexpr std::string_view kVersionPrefix = "age-encryption.org/";
inline constexpr std::string_view kVersionLine = "age-encryption.org/v1";
inline constexpr std::size_t kFileKeySize = 16;
inline constexpr std::size_t kNonceSize = 16;
inline constexpr std::size_t kChunkSize = 64 * 1024;
inline constexpr std::size_t kTagSize = 16;
inline constexpr std::size_t kSealedChunkSize = kChunkSize + kTagSize;
inline constexpr std::size_t kColumns = 64;
// The header is held in memory (its MAC covers it whole, and an scrypt stanza
// can only be judged once every stanza is known), so it is bounded.
inline constexpr std::size_t kMaxHeaderSize = 1024 * 1024;

// Throws FormatError(failure) with the Errc that goes with it.
[[noreturn]] void fail(Failure failure, std::string message);

inline ByteView bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// ---- base64: src/text/base64.h (unpadded in the header, padded in the armor).
using folio::base64_decode;
using folio::base64_decode_padded;
using folio::base64_encode;
using folio::base64_encode_padded;
using folio::is_base64_char;

// ---- bech32.cpp: BIP 173 without its 90-character limit. The checksum is over
// the lower-case form; mixed case is rejected. decode returns the HRP in
// the case it was written.
struct Bech32 {
  std::string hrp;
  Bytes data;  // 8-bit bytes (converted from 5-bit groups, zero padding checked)
};
std::string bech32_encode(std::string_view hrp, ByteView data, bool upper);
std::optional<Bech32> bech32_decode(std::string_view text);

// ---- input.cpp: a buffered reader over a Source, with a look-ahead for the
// armor detection and line reads for the header.
class Input {
 public:
  explicit Input(Source& source) : source_(source) {}
  // The next `n` bytes (fewer at the end of the input) without consuming them.
  std::string_view peek(std::size_t n);
  struct Line {
    std::string text;    // without the LF
    bool ended = false;  // true when an LF ended it (not the end of input)
  };
  // Reads up to and including the next LF, or `max` + 1 bytes, whichever
  // comes first (so text.size() > max says the line is too long). nullopt
  // at the end of input.
  std::optional<Line> line(std::size_t max);
  // Fills `out` unless the input ends first; returns the bytes read.
  std::size_t read(std::span<std::uint8_t> out);

 private:
  bool fill();
  Source& source_;
  std::array<std::uint8_t, 4096> buffer_{};
  std::size_t begin_ = 0, end_ = 0;
  bool at_end_ = false;
};

// ---- header.cpp
struct Stanza {
  std::vector<std::string> args;  // args[0] is the type
  Bytes body;
};
struct Header {
  std::vector<Stanza> stanzas;
  std::string mac_input;  // the header through "---", as read
  std::array<std::uint8_t, 32> mac{};
};
// Parses the header strictly (Failure::header; unsupported_version for a
// version line other than v1).
Header read_header(Input& in);
// Appends a stanza in its canonical form.
void append_stanza(std::string& out, const Stanza& stanza);
// HMAC-SHA256 under HKDF(file key, "header") of `mac_input`.
std::array<std::uint8_t, 32> header_mac(const Secret& file_key, std::string_view mac_input);

// ---- recipients.cpp: the X25519 and scrypt stanzas.
Stanza wrap_x25519(const X25519Recipient& recipient, const Secret& file_key);
Stanza wrap_scrypt(const Secret& passphrase, unsigned work_factor, const Secret& file_key);
// The file key from the first stanza that opens; Failure::no_match when none.
Secret unwrap_file_key(const std::vector<Stanza>& stanzas, const DecryptOptions& options);

// ---- stream.cpp: STREAM over ChaCha20-Poly1305 (payload key, 11-byte
// big-endian counter, last-chunk flag).
class PayloadCipher {
 public:
  PayloadCipher(const Secret& file_key, ByteView nonce);
  // Seals `plain` (at most kChunkSize bytes) into `out`, advancing the counter.
  std::size_t seal(ByteView plain, bool last, std::span<std::uint8_t> out);
  // Opens a sealed chunk into `out`; advances the counter only on success.
  std::optional<std::size_t> open(ByteView sealed, bool last, std::span<std::uint8_t> out);
  std::uint64_t counter() const { return counter_; }

 private:
  std::array<std::uint8_t, 12> nonce(bool last) const;
  Secret key_;
  std::uint64_t counter_ = 0;
};

// ---- armor.cpp: strict PEM, label "AGE ENCRYPTED FILE", 64 columns.
inline constexpr std::string_view kArmorBegin = "-----BEGIN AGE ENCRYPTED FILE-----";
inline constexpr std::string_view kArmorEnd = "-----END AGE ENCRYPTED FILE-----";

class ArmorSink : public Sink {
 public:
  explicit ArmorSink(Sink& out);
  void write(std::span<const std::uint8_t> bytes) override;
  // Writes the last line (padded) and the end line.
  void finish();

 private:
  void flush_line();
  Sink& out_;
  std::array<std::uint8_t, 48> pending_{};  // one line's worth of bytes
  std::size_t used_ = 0;
  std::string text_;  // encoded lines not yet written
};

// Decodes an armored file; Failure::armor for anything but strict PEM with
// optional whitespace around it and LF or CRLF line ends.
class ArmorSource : public Source {
 public:
  explicit ArmorSource(Input& in) : in_(in) {}
  std::size_t read(std::span<std::uint8_t> out) override;

 private:
  void next_line();
  Input& in_;
  bool begun_ = false, ended_ = false, padded_ = false, short_line_ = false;
  std::array<std::uint8_t, 48> decoded_{};
  std::size_t pos_ = 0, len_ = 0;
};

}  // namespace folio::age::detail
