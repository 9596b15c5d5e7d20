// The age format layer: keys, round trips, every rejection the spec asks for
// (on hand-built files), and the C2SP CCTV age vectors from ../shared/vectors
// (skipped when absent).
#include "age/age.h"

#include <sodium.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "age/format.h"
#include "crypto/primitives.h"
#include "support.h"

namespace age = folio::age;
using folio::Errc;
using folio::Secret;
using Bytes = std::vector<std::uint8_t>;

namespace {

class BufferSink : public age::Sink {
 public:
  void write(std::span<const std::uint8_t> bytes) override {
    data.insert(data.end(), bytes.begin(), bytes.end());
  }
  Bytes data;
};

// Hands out at most `step` bytes per read, to exercise the buffering.
class BufferSource : public age::Source {
 public:
  explicit BufferSource(Bytes bytes, std::size_t step = SIZE_MAX)
      : data_(std::move(bytes)), step_(step) {}
  std::size_t read(std::span<std::uint8_t> out) override {
    const std::size_t n = std::min({out.size(), data_.size() - pos_, step_});
    std::copy_n(data_.begin() + static_cast<std::ptrdiff_t>(pos_), n, out.begin());
    pos_ += n;
    return n;
  }

 private:
  Bytes data_;
  std::size_t pos_ = 0;
  std::size_t step_;
};

Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
std::string to_string(const Bytes& b) { return std::string(b.begin(), b.end()); }

Bytes pattern(std::size_t size) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
  return out;
}

Bytes encrypt(const Bytes& plain, const age::EncryptOptions& options, std::size_t piece = 1000) {
  BufferSink sink;
  age::Writer writer(sink, options);
  for (std::size_t i = 0; i < plain.size(); i += piece) {
    writer.write(std::span(plain).subspan(i, std::min(piece, plain.size() - i)));
  }
  writer.finish();
  return sink.data;
}

Bytes decrypt(const Bytes& file, const age::DecryptOptions& options, std::size_t step = SIZE_MAX) {
  BufferSource source(file, step);
  age::Reader reader(source, options);
  Bytes out;
  std::array<std::uint8_t, 10000> buf;
  while (std::size_t n = reader.read(buf)) out.insert(out.end(), buf.begin(), buf.begin() + n);
  return out;
}

// The failure class (and code) of decrypting `file`, or nullopt on success.
struct Outcome {
  age::Failure failure;
  Errc code;
};
std::optional<Outcome> failure_of(const Bytes& file, const age::DecryptOptions& options) {
  try {
    decrypt(file, options);
  } catch (const age::FormatError& e) {
    return Outcome{e.failure(), e.code()};
  }
  return std::nullopt;
}

age::DecryptOptions with_identity(const age::X25519Identity& identity) {
  age::DecryptOptions options;
  options.identities.push_back(age::parse_identity(age::encode_identity(identity).view()));
  return options;
}

// A file's header text, its MAC line replaced by a fresh one under `file_key`,
// then `rest` (nonce and payload) appended.
Bytes with_mac(std::string header_through_dashes, const Secret& file_key, const Bytes& rest) {
  const auto mac = age::detail::header_mac(file_key, header_through_dashes);
  std::string text = header_through_dashes + " " + age::detail::base64_encode(mac) + "\n";
  Bytes out = to_bytes(text);
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

// A hand-built X25519 file: header lines given as text, a valid MAC, and a
// payload sealed chunk by chunk as `chunks` says (each chunk's plaintext and
// its last flag), so that malformed streams can be built.
struct Crafted {
  age::X25519Identity identity = age::generate_identity();
  Secret file_key{16};
  std::string share_b64, body_b64;

  Crafted() {
    folio::random_bytes(file_key.data(), file_key.size());
    const auto stanza = age::detail::wrap_x25519(identity.recipient(), file_key);
    share_b64 = stanza.args[1];
    body_b64 = age::detail::base64_encode(stanza.body);
  }
  std::string stanza() const { return "-> X25519 " + share_b64 + "\n" + body_b64 + "\n"; }
  Bytes file(const std::string& header_through_dashes,
             const std::vector<std::pair<Bytes, bool>>& chunks) const {
    std::array<std::uint8_t, 16> nonce{};
    folio::random_bytes(nonce.data(), nonce.size());
    age::detail::PayloadCipher cipher(file_key, nonce);
    Bytes rest(nonce.begin(), nonce.end());
    for (const auto& [plain, last] : chunks) {
      Bytes sealed(plain.size() + 16);
      cipher.seal(plain, last, sealed);
      rest.insert(rest.end(), sealed.begin(), sealed.end());
    }
    return with_mac(header_through_dashes, file_key, rest);
  }
  Bytes file(const std::vector<std::pair<Bytes, bool>>& chunks) const {
    return file("age-encryption.org/v1\n" + stanza() + "---", chunks);
  }
  age::DecryptOptions options() const { return with_identity(identity); }
};

}  // namespace

// ---------------------------------------------------------------- keys

TEST_CASE("an age recipient and identity round-trip through bech32", "[age]") {
  const auto identity = age::generate_identity();
  const Secret encoded = age::encode_identity(identity);
  CHECK(encoded.view().substr(0, 16) == "AGE-SECRET-KEY-1");
  CHECK(encoded.size() == 74);
  const auto again = age::parse_identity(encoded.view());
  CHECK(again.scalar.equals(identity.scalar));
  const std::string recipient = age::encode_recipient(identity.recipient());
  CHECK(recipient.substr(0, 4) == "age1");
  CHECK(age::parse_recipient(recipient).point == identity.recipient().point);
}

TEST_CASE("the spec's example identity gives the spec's example recipient", "[age]") {
  const auto identity = age::parse_identity(
      "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX");
  CHECK(age::encode_recipient(identity.recipient()) ==
        "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj");
}

TEST_CASE("malformed recipients and identities are invalid arguments", "[age]") {
  const std::string good = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";
  std::string bad_checksum = good;
  bad_checksum.back() = 'q';
  std::string mixed_case = good;
  mixed_case[5] = 'V';
  for (const std::string& text : {bad_checksum, mixed_case, std::string("age1"), std::string(""),
                                  good.substr(0, good.size() - 1)}) {
    CHECK_ERRC(age::parse_recipient(text), Errc::invalid_argument);
  }
  // An identity must be upper case, with its own HRP.
  CHECK_ERRC(age::parse_identity(
                 "age-secret-key-1gfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpyysjzgfpq4egaex"),
             Errc::invalid_argument);
  CHECK_ERRC(age::parse_identity(good), Errc::invalid_argument);
  CHECK_ERRC(age::parse_recipient(
                 "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"),
             Errc::invalid_argument);
}

TEST_CASE("an identity file as age-keygen writes it is read, comments and all", "[age]") {
  const auto a = age::generate_identity();
  const auto b = age::generate_identity();
  const std::string text =
      "# created: 2026-11-23T16:00:00Z\n# public key: " + age::encode_recipient(a.recipient()) +
      "\n" + std::string(age::encode_identity(a).view()) + "\n\n" +
      std::string(age::encode_identity(b).view()) + "\r\n";
  const auto ids = age::parse_identity_file(text);
  REQUIRE(ids.size() == 2);
  CHECK(ids[0].scalar.equals(a.scalar));
  CHECK(ids[1].scalar.equals(b.scalar));
  CHECK_ERRC(age::parse_identity_file("# only a comment\n"), Errc::invalid_argument);
  CHECK_ERRC(age::parse_identity_file("AGE-SECRET-KEY-1NOTAKEY\n"), Errc::invalid_argument);
}

TEST_CASE("a bad identity file line is named by number, never quoted", "[age]") {
  try {
    age::parse_identity_file("# key\nAGE-SECRET-KEY-1SECRETLOOKINGTEXT\n");
    FAIL("no error");
  } catch (const folio::Error& e) {
    CHECK(std::string(e.what()).find("line 2") != std::string::npos);
    CHECK(std::string(e.what()).find("SECRETLOOKING") == std::string::npos);
  }
}

// ---------------------------------------------------------------- round trips

TEST_CASE("payloads of every chunk shape round-trip to an X25519 recipient", "[age]") {
  const auto identity = age::generate_identity();
  age::EncryptOptions options;
  options.recipients = {identity.recipient()};
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{65536}, std::size_t{65537},
                           std::size_t{3 * 65536 + 123}}) {
    INFO("size " << size);
    const Bytes plain = pattern(size);
    const Bytes file = encrypt(plain, options);
    // The file is the header, 16-byte nonce, and one tag per chunk (at least one).
    const std::size_t chunks = std::max<std::size_t>(1, (size + 65535) / 65536);
    const std::string text = to_string(file);
    const std::size_t header_end = text.find("\n", text.find("\n---") + 1) + 1;
    CHECK(file.size() == header_end + 16 + size + 16 * chunks);
    CHECK(decrypt(file, with_identity(identity)) == plain);
    CHECK(decrypt(file, with_identity(identity), 7) == plain);
  }
}

TEST_CASE("a file to two recipients opens with either identity, not with a third", "[age]") {
  const auto a = age::generate_identity();
  const auto b = age::generate_identity();
  age::EncryptOptions options;
  options.recipients = {a.recipient(), b.recipient()};
  const Bytes plain = to_bytes("签证 visa appointment, 3 March");
  const Bytes file = encrypt(plain, options);
  CHECK(decrypt(file, with_identity(a)) == plain);
  CHECK(decrypt(file, with_identity(b)) == plain);
  const auto outcome = failure_of(file, with_identity(age::generate_identity()));
  REQUIRE(outcome);
  CHECK(outcome->failure == age::Failure::no_match);
  CHECK(outcome->code == Errc::wrong_passphrase);
}

TEST_CASE("a passphrase file round-trips and refuses the wrong passphrase", "[age]") {
  const Secret pass = Secret::from("correct horse battery staple");
  age::EncryptOptions options;
  options.passphrase = &pass;
  options.scrypt_work_factor = 10;
  const Bytes plain = pattern(70000);
  const Bytes file = encrypt(plain, options);
  CHECK(to_string(file).find("-> scrypt ") != std::string::npos);
  CHECK(to_string(file).find(" 10\n") != std::string::npos);

  age::DecryptOptions good;
  good.passphrase = &pass;
  CHECK(decrypt(file, good) == plain);

  const Secret wrong = Secret::from("correct horse battery stapler");
  age::DecryptOptions bad;
  bad.passphrase = &wrong;
  const auto outcome = failure_of(file, bad);
  REQUIRE(outcome);
  CHECK(outcome->code == Errc::wrong_passphrase);
}

TEST_CASE("a scrypt work factor above the reader's bound is refused before any work", "[age]") {
  const Secret pass = Secret::from("pass");
  age::EncryptOptions options;
  options.passphrase = &pass;
  options.scrypt_work_factor = 12;
  const Bytes file = encrypt(to_bytes("x"), options);
  age::DecryptOptions low;
  low.passphrase = &pass;
  low.max_scrypt_work_factor = 11;
  const auto outcome = failure_of(file, low);
  REQUIRE(outcome);
  CHECK(outcome->failure == age::Failure::header);
  CHECK(outcome->code == Errc::refused);
}

TEST_CASE("a passphrase with recipients, or neither, is refused by the writer", "[age]") {
  BufferSink sink;
  const Secret pass = Secret::from("pass");
  age::EncryptOptions both;
  both.passphrase = &pass;
  both.recipients = {age::generate_identity().recipient()};
  CHECK_ERRC(age::Writer(sink, both), Errc::invalid_argument);
  CHECK_ERRC(age::Writer(sink, age::EncryptOptions{}), Errc::invalid_argument);
}

TEST_CASE("a low-order recipient is refused by the writer", "[age]") {
  BufferSink sink;
  age::EncryptOptions options;
  options.recipients = {age::X25519Recipient{}};  // the all-zero point
  CHECK_ERRC(age::Writer(sink, options), Errc::invalid_argument);
}

TEST_CASE("after a payload failure, further reads fail too", "[age]") {
  const auto identity = age::generate_identity();
  age::EncryptOptions options;
  options.recipients = {identity.recipient()};
  Bytes file = encrypt(pattern(65536 * 3), options);
  file[file.size() - 65552 - 20] ^= 1;  // in the second chunk
  BufferSource source(file);
  age::Reader reader(source, with_identity(identity));
  std::array<std::uint8_t, 65536> buf;
  CHECK(reader.read(buf) == 65536);
  CHECK_ERRC(reader.read(buf), Errc::corrupt);
  CHECK_ERRC(reader.read(buf), Errc::corrupt);
}

TEST_CASE("a writer whose sink failed refuses to go on", "[age]") {
  class FailingSink : public age::Sink {
   public:
    void write(std::span<const std::uint8_t> bytes) override {
      written += bytes.size();
      if (written > 1000) throw folio::Error(Errc::io, "disk full");
    }
    std::size_t written = 0;
  } sink;
  age::EncryptOptions options;
  options.recipients = {age::generate_identity().recipient()};
  age::Writer writer(sink, options);
  const Bytes plain = pattern(65536 + 1);
  CHECK_ERRC(writer.write(plain), Errc::io);
  CHECK_ERRC(writer.finish(), Errc::io);
}

TEST_CASE("an armored file has 64-column lines and round-trips", "[age]") {
  const auto identity = age::generate_identity();
  age::EncryptOptions options;
  options.recipients = {identity.recipient()};
  options.armor = true;
  for (std::size_t size : {std::size_t{0}, std::size_t{5}, std::size_t{100000}}) {
    const Bytes plain = pattern(size);
    const Bytes file = encrypt(plain, options);
    const std::string text = to_string(file);
    CHECK(text.rfind("-----BEGIN AGE ENCRYPTED FILE-----\n", 0) == 0);
    CHECK(text.substr(text.size() - 33) == "-----END AGE ENCRYPTED FILE-----\n");
    std::size_t start = text.find('\n') + 1;
    std::size_t longest = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      longest = std::max(longest, end - start);
      start = end + 1;
    }
    CHECK(longest == 64);
    CHECK(decrypt(file, with_identity(identity)) == plain);
    CHECK(decrypt(file, with_identity(identity), 3) == plain);
  }
}

// ---------------------------------------------------------------- rejections

namespace {

void check_failure(const Bytes& file, const age::DecryptOptions& options, age::Failure failure,
                   Errc code = Errc::corrupt) {
  const auto outcome = failure_of(file, options);
  REQUIRE(outcome);
  CHECK(outcome->failure == failure);
  CHECK(outcome->code == code);
}

std::pair<Bytes, bool> chunk(std::size_t size, bool last) { return {pattern(size), last}; }

}  // namespace

TEST_CASE("a well-formed crafted file opens (the rejection tests' baseline)", "[age]") {
  Crafted c;
  CHECK(decrypt(c.file({chunk(65536, false), chunk(10, true)}), c.options()) == [] {
    Bytes p = pattern(65536);
    Bytes q = pattern(10);
    p.insert(p.end(), q.begin(), q.end());
    return p;
  }());
  CHECK(decrypt(c.file({chunk(65536, true)}), c.options()) == pattern(65536));
  CHECK(decrypt(c.file({chunk(0, true)}), c.options()).empty());
}

TEST_CASE("non-canonical base64 in the header is rejected", "[age]") {
  Crafted c;
  // Padding on the body.
  check_failure(
      c.file("age-encryption.org/v1\n-> X25519 " + c.share_b64 + "\n" + c.body_b64 + "=\n---",
             {chunk(1, true)}),
      c.options(), age::Failure::header);
  // Non-zero trailing bits in the share: its last character carries 4 unused bits.
  std::string share = c.share_b64;
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  share.back() = alphabet[alphabet.find(share.back()) | 1];
  check_failure(c.file("age-encryption.org/v1\n-> X25519 " + share + "\n" + c.body_b64 + "\n---",
                       {chunk(1, true)}),
                c.options(), age::Failure::header);
}

TEST_CASE("a stanza line over 64 columns, or no short final line, is rejected", "[age]") {
  Crafted c;
  const std::string line65(65, 'A');
  const std::string line64(64, 'A');
  check_failure(c.file("age-encryption.org/v1\n" + c.stanza() + "-> other\n" + line65 + "\n---",
                       {chunk(1, true)}),
                c.options(), age::Failure::header);
  // A 64-column line must be followed by another body line; "---" is not one.
  check_failure(c.file("age-encryption.org/v1\n" + c.stanza() + "-> other\n" + line64 + "\n---",
                       {chunk(1, true)}),
                c.options(), age::Failure::header);
  // Unknown stanzas with a full line then an empty one are fine.
  CHECK_NOTHROW(
      decrypt(c.file("age-encryption.org/v1\n" + c.stanza() + "-> other a b\n" + line64 + "\n\n---",
                     {chunk(1, true)}),
              c.options()));
}

TEST_CASE("an unknown version line is unsupported_version, not corrupt", "[age]") {
  Crafted c;
  check_failure(c.file("age-encryption.org/v2\n" + c.stanza() + "---", {chunk(1, true)}),
                c.options(), age::Failure::header, Errc::unsupported_version);
  check_failure(to_bytes("not an age file at all\n"), c.options(), age::Failure::armor);
}

TEST_CASE("a low-order X25519 share is rejected", "[age]") {
  Crafted c;
  const std::string zero_point = age::detail::base64_encode(Bytes(32, 0));
  check_failure(
      c.file("age-encryption.org/v1\n-> X25519 " + zero_point + "\n" + c.body_b64 + "\n---",
             {chunk(1, true)}),
      c.options(), age::Failure::header);
}

TEST_CASE("an scrypt stanza must be alone in the header", "[age]") {
  Crafted c;
  const std::string scrypt =
      "-> scrypt " + age::detail::base64_encode(Bytes(16, 1)) + " 10\n" + c.body_b64 + "\n";
  check_failure(c.file("age-encryption.org/v1\n" + c.stanza() + scrypt + "---", {chunk(1, true)}),
                c.options(), age::Failure::header);
  check_failure(c.file("age-encryption.org/v1\n" + scrypt + scrypt + "---", {chunk(1, true)}),
                c.options(), age::Failure::header);
}

TEST_CASE("a changed header fails its MAC", "[age]") {
  Crafted c;
  Bytes file =
      c.file("age-encryption.org/v1\n" + c.stanza() + "-> grease x\n\n---", {chunk(1, true)});
  const std::size_t at = to_string(file).find("grease x") + 7;
  file[at] = 'y';
  check_failure(file, c.options(), age::Failure::hmac);
}

TEST_CASE("a payload without its final chunk is rejected", "[age]") {
  Crafted c;
  // No chunks at all, a short non-final chunk, a full non-final chunk at the end.
  check_failure(c.file({}), c.options(), age::Failure::payload);
  check_failure(c.file({chunk(10, false)}), c.options(), age::Failure::payload);
  check_failure(c.file({chunk(65536, false)}), c.options(), age::Failure::payload);
  check_failure(c.file({chunk(65536, false), chunk(65536, false)}), c.options(),
                age::Failure::payload);
}

TEST_CASE("a repeated final chunk, or data after the final chunk, is rejected", "[age]") {
  Crafted c;
  check_failure(c.file({chunk(65536, true), chunk(10, true)}), c.options(), age::Failure::payload);
  check_failure(c.file({chunk(10, true), chunk(10, true)}), c.options(), age::Failure::payload);
  Bytes trailing = c.file({chunk(10, true)});
  trailing.push_back(0);
  check_failure(trailing, c.options(), age::Failure::payload);
  Bytes trailing_full = c.file({chunk(65536, true)});
  trailing_full.push_back(0);
  check_failure(trailing_full, c.options(), age::Failure::payload);
}

TEST_CASE("an empty final chunk is rejected unless the payload is empty", "[age]") {
  Crafted c;
  CHECK_NOTHROW(decrypt(c.file({chunk(0, true)}), c.options()));
  check_failure(c.file({chunk(65536, false), chunk(0, true)}), c.options(), age::Failure::payload);
}

TEST_CASE("a truncated file is rejected wherever it is cut", "[age]") {
  const auto identity = age::generate_identity();
  age::EncryptOptions options;
  options.recipients = {identity.recipient()};
  const Bytes file = encrypt(pattern(65536 + 100), options);
  for (std::size_t cut : {std::size_t{10}, std::size_t{100}, file.size() - 65552 - 117,
                          file.size() - 117, file.size() - 1}) {
    INFO("cut at " << cut);
    const Bytes prefix(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(cut));
    const auto outcome = failure_of(prefix, with_identity(identity));
    REQUIRE(outcome);
    CHECK(outcome->code == Errc::corrupt);
  }
}

TEST_CASE("a flipped payload bit fails that chunk, after the chunks before it", "[age]") {
  const auto identity = age::generate_identity();
  age::EncryptOptions options;
  options.recipients = {identity.recipient()};
  Bytes file = encrypt(pattern(65536 * 2 + 5), options);
  file[file.size() - 20] ^= 0x40;
  BufferSource source(file);
  age::Reader reader(source, with_identity(identity));
  Bytes got;
  std::array<std::uint8_t, 4096> buf;
  try {
    while (std::size_t n = reader.read(buf)) got.insert(got.end(), buf.begin(), buf.begin() + n);
    FAIL("no error");
  } catch (const age::FormatError& e) {
    CHECK(e.failure() == age::Failure::payload);
  }
  CHECK(got == pattern(65536 * 2));
}

TEST_CASE("armor that is not strict PEM is rejected", "[age]") {
  const auto identity = age::generate_identity();
  age::EncryptOptions options;
  options.recipients = {identity.recipient()};
  options.armor = true;
  // 101 bytes of plaintext make a file whose length is not a multiple of 3,
  // so the armor's last line is padded.
  const std::string good = to_string(encrypt(pattern(101), options));
  REQUIRE(good.find('=') != std::string::npos);
  // Whitespace around the block and CRLF line ends are accepted.
  std::string crlf;
  for (char ch : good) crlf += ch == '\n' ? std::string("\r\n") : std::string(1, ch);
  CHECK(decrypt(to_bytes("\n \t\n" + crlf + "\n\n"), with_identity(identity)) == pattern(101));

  const std::size_t first_data = good.find('\n') + 1;
  auto mutate = [&](auto change) {
    std::string s = good;
    change(s);
    return to_bytes(s);
  };
  const std::vector<std::pair<const char*, Bytes>> bad = {
      {"garbage after", mutate([](std::string& s) { s += "x\n"; })},
      {"garbage before", mutate([](std::string& s) { s = "x\n" + s; })},
      {"a long line", mutate([&](std::string& s) { s.insert(first_data, "AAAA"); })},
      {"a space at a line end", mutate([&](std::string& s) { s.insert(first_data + 64, " "); })},
      {"an empty line", mutate([&](std::string& s) { s.insert(first_data, "\n"); })},
      {"no end line", mutate([](std::string& s) { s.resize(s.size() - 33); })},
      {"lower case", mutate([](std::string& s) { s.replace(11, 3, "age"); })},
      {"no padding", mutate([](std::string& s) {
         const std::size_t eq = s.find('=');
         s.erase(eq, s.find('\n', eq) - eq);
       })},
  };
  for (const auto& [name, file] : bad) {
    INFO(name);
    check_failure(file, with_identity(identity), age::Failure::armor);
  }
}

// ---------------------------------------------------------------- CCTV vectors

namespace {

struct Vector {
  std::multimap<std::string, std::string> fields;
  Bytes file;
};

Bytes inflate_all(const Bytes& in) {
  z_stream z{};
  REQUIRE(inflateInit(&z) == Z_OK);
  Bytes out;
  std::array<std::uint8_t, 65536> buf;
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = buf.data();
    z.avail_out = buf.size();
    rc = inflate(&z, Z_NO_FLUSH);
    REQUIRE((rc == Z_OK || rc == Z_STREAM_END));
    out.insert(out.end(), buf.begin(), buf.begin() + (buf.size() - z.avail_out));
  }
  inflateEnd(&z);
  return out;
}

Vector read_vector(const std::filesystem::path& path) {
  const Bytes raw = folio_test::read_bytes(path);
  Vector v;
  std::size_t pos = 0;
  while (true) {
    const auto lf = std::find(raw.begin() + static_cast<std::ptrdiff_t>(pos), raw.end(), '\n');
    REQUIRE(lf != raw.end());
    const std::string line(raw.begin() + static_cast<std::ptrdiff_t>(pos), lf);
    pos = static_cast<std::size_t>(lf - raw.begin()) + 1;
    if (line.empty()) break;
    const std::size_t colon = line.find(": ");
    REQUIRE(colon != std::string::npos);
    v.fields.emplace(line.substr(0, colon), line.substr(colon + 2));
  }
  v.file.assign(raw.begin() + static_cast<std::ptrdiff_t>(pos), raw.end());
  const auto compressed = v.fields.find("compressed");
  if (compressed != v.fields.end()) {
    REQUIRE(compressed->second == "zlib");
    v.file = inflate_all(v.file);
  }
  return v;
}

std::string outcome_name(const std::optional<age::Failure>& failure) {
  return failure ? std::string(age::to_string(*failure)) : "success";
}

std::string sha256_hex(const Bytes& data) {
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest;
  crypto_hash_sha256(digest.data(), data.data(), data.size());
  std::string out(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), digest.data(), digest.size());
  out.pop_back();
  return out;
}

}  // namespace

TEST_CASE("every CCTV age vector gives its expected outcome and payload", "[age]") {
  const auto dir = std::filesystem::path(FOLIO_SHARED_VECTORS) / "age-cctv";
  if (!std::filesystem::is_directory(dir)) {
    WARN("skipped: " << dir << " is absent");
    return;
  }
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename() != "README.md") paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());

  std::size_t passed = 0, unsupported = 0;
  for (const auto& path : paths) {
    const std::string name = path.filename().string();
    INFO("vector " << name);
    const Vector v = read_vector(path);
    const auto expect = v.fields.find("expect");
    REQUIRE(expect != v.fields.end());

    age::DecryptOptions options;
    std::vector<Secret> passphrases;
    bool supported = true;
    for (auto [it, end] = v.fields.equal_range("identity"); it != end; ++it) {
      if (it->second.rfind("AGE-SECRET-KEY-1", 0) != 0) {
        supported = false;  // post-quantum (AGE-SECRET-KEY-PQ-1...) and other identities
        continue;
      }
      options.identities.push_back(age::parse_identity(it->second));
    }
    for (auto [it, end] = v.fields.equal_range("passphrase"); it != end; ++it) {
      passphrases.push_back(Secret::from(it->second));
    }
    // DecryptOptions takes one passphrase; only scrypt_double lists two.
    if (!passphrases.empty()) options.passphrase = &passphrases[0];
    if (!supported) {
      ++unsupported;
      continue;
    }

    // Read with a small buffer, keeping what was released before any failure.
    Bytes released;
    std::optional<age::Failure> failure;
    try {
      BufferSource source(v.file);
      age::Reader reader(source, options);
      std::array<std::uint8_t, 4096> buf;
      while (std::size_t n = reader.read(buf)) {
        released.insert(released.end(), buf.begin(), buf.begin() + n);
      }
    } catch (const age::FormatError& e) {
      failure = e.failure();
    }
    CHECK(outcome_name(failure) == expect->second);
    const auto payload = v.fields.find("payload");
    if (payload != v.fields.end()) CHECK(sha256_hex(released) == payload->second);
    if (outcome_name(failure) == expect->second) ++passed;
  }
  WARN("CCTV age vectors: " << passed << " passed, " << unsupported
                            << " unsupported (post-quantum identities), of " << paths.size());
  CHECK(passed + unsupported == paths.size());
}

// ---------------------------------------------------------------- the age tool

namespace {

// Runs a shell command; its exit status.
int run(const std::string& command) { return std::system(command.c_str()); }

}  // namespace

TEST_CASE("the age tool reads folio's files and folio reads the age tool's", "[age]") {
  if (run("command -v age >/dev/null 2>&1") != 0) {
    WARN("skipped: the age tool is not installed");
    return;
  }
  folio_test::TempDir dir;
  const auto identity = age::generate_identity();
  const std::string recipient = age::encode_recipient(identity.recipient());
  const std::string key = (dir / "key.txt").string();
  folio_test::write_bytes(
      key, to_bytes("# test key\n" + std::string(age::encode_identity(identity).view()) + "\n"));
  const Bytes plain = pattern(65536 * 2 + 77);
  folio_test::write_bytes(dir / "plain", plain);

  for (bool armor : {false, true}) {
    INFO("armor " << armor);
    age::EncryptOptions options;
    options.recipients = {identity.recipient()};
    options.armor = armor;
    folio_test::write_bytes(dir / "folio.age", encrypt(plain, options));
    REQUIRE(run("age -d -i '" + key + "' -o '" + (dir / "out").string() + "' '" +
                (dir / "folio.age").string() + "'") == 0);
    CHECK(folio_test::read_bytes(dir / "out") == plain);

    REQUIRE(run(std::string("age ") + (armor ? "-a " : "") + "-r " + recipient + " -o '" +
                (dir / "tool.age").string() + "' '" + (dir / "plain").string() + "'") == 0);
    CHECK(decrypt(folio_test::read_bytes(dir / "tool.age"), with_identity(identity)) == plain);
  }
}
