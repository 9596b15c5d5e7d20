// age::Reader: detects the armor, parses the header, unwraps the file key,
// checks the header MAC, then decrypts the payload one chunk at a time.
//
// Chunk boundaries: the reader asks for one sealed chunk plus one byte. Fewer
// bytes mean the input ended, so the chunk must be the last. A full chunk
// with more behind it must open as "not last"; if it opens only as "last",
// data follows the final chunk. A full chunk at the very end may be either;
// if it is not last, the next read finds nothing and the final chunk is
// missing. A full chunk that opens only as "last" with data behind it is
// released, and the next read reports the trailing data. Plaintext is released one verified chunk
// at a time, so what a caller got before a payload failure is authentic, but only a read that
// returns 0 proves the file complete.
// Memory: a sealed chunk, a plaintext chunk (sodium_malloc) and the header.

#include <algorithm>
#include <cstring>

#include "age/format.h"

namespace folio::age {

using namespace detail;

namespace detail {

[[noreturn]] void fail(Failure failure, std::string message) {
  Errc code = Errc::corrupt;
  std::string hint;
  switch (failure) {
    case Failure::no_match:
      code = Errc::wrong_passphrase;
      break;
    case Failure::payload:
      hint = tr("the file is truncated or was changed after it was written");
      break;
    default:
      break;
  }
  throw FormatError(failure, code, std::move(message), std::move(hint));
}

}  // namespace detail

struct Reader::State {
  explicit State(Source& in) : raw(in) {}
  Input raw;
  std::optional<ArmorSource> armor;
  std::optional<Input> dearmored;
  Input* input = nullptr;
  std::optional<PayloadCipher> cipher;
  Bytes sealed = Bytes(kSealedChunkSize + 1);
  std::size_t carried = 0;  // bytes of the next chunk already in `sealed`
  Secret plain{kChunkSize};
  std::size_t pos = 0, len = 0;
  bool done = false;
  bool trailing = false;  // data follows the final chunk: an error once it is read
  bool broken = false;    // a chunk failed: no later read may resume past it

  void next_chunk();
};

Reader::Reader(Source& in, const DecryptOptions& options) : state_(std::make_unique<State>(in)) {
  auto& s = *state_;
  s.input = &s.raw;
  // A binary file starts with the version line; anything else must be armor
  // (an empty or cut-short start is left to the header parser to reject).
  const std::string_view start = s.raw.peek(kVersionPrefix.size());
  if (kVersionPrefix.substr(0, start.size()) != start) {
    s.armor.emplace(s.raw);
    s.dearmored.emplace(*s.armor);
    s.input = &*s.dearmored;
  }

  const Header header = read_header(*s.input);
  const Secret file_key = unwrap_file_key(header.stanzas, options);
  const auto mac = header_mac(file_key, header.mac_input);
  if (!crypto::equal_constant_time(mac, header.mac)) {
    fail(Failure::hmac, tr("the age header MAC does not match: the header was changed"));
  }
  std::array<std::uint8_t, kNonceSize> nonce;
  if (s.input->read(nonce) != nonce.size()) {
    fail(Failure::header, tr("the age file ends before its payload nonce (it is truncated)"));
  }
  s.cipher.emplace(file_key, nonce);
}

Reader::~Reader() = default;

void Reader::State::next_chunk() {
  const std::size_t n =
      carried + input->read(std::span(sealed).subspan(carried, sealed.size() - carried));
  carried = 0;
  const std::uint64_t index = cipher->counter();
  const std::span<std::uint8_t> out(plain.data(), plain.size());
  if (n == 0) fail(Failure::payload, tr("the age file ends before its final chunk (it is truncated)"));

  if (n <= kSealedChunkSize) {
    // The input ended: this is the last chunk, unless it is a full one that
    // opens only as "not last" (then the final chunk is missing).
    const ByteView chunk(sealed.data(), n);
    if (auto size = cipher->open(chunk, true, out)) {
      if (*size == 0 && index > 0) {
        fail(Failure::payload, tr("the age file's final chunk is empty"));
      }
      len = *size;
      done = true;
    } else if (n == kSealedChunkSize && (size = cipher->open(chunk, false, out))) {
      len = *size;
    } else {
      fail(Failure::payload, trf("chunk {0} of the age payload does not authenticate (changed or truncated)", index + 1));
    }
    pos = 0;
    return;
  }

  const ByteView chunk(sealed.data(), kSealedChunkSize);
  if (auto size = cipher->open(chunk, false, out)) {
    len = *size;
  } else if (auto last = cipher->open(chunk, true, out)) {
    // The final chunk is authentic: release it, then report what follows.
    len = *last;
    trailing = true;
  } else {
    fail(Failure::payload, trf("chunk {0} of the age payload does not authenticate (changed or damaged)", index + 1));
  }
  pos = 0;
  sealed[0] = sealed[kSealedChunkSize];
  carried = 1;
}

std::size_t Reader::read(std::span<std::uint8_t> out) {
  auto& s = *state_;
  std::size_t done = 0;
  while (done < out.size()) {
    if (s.pos == s.len) {
      // Hand over what is verified before touching the next chunk, which may fail.
      if (s.done || done > 0) break;
      if (s.broken) fail(Failure::payload, tr("the age payload has already failed to verify"));
      if (s.trailing) {
        s.broken = true;
        fail(Failure::payload, tr("the age file has data after its final chunk"));
      }
      try {
        s.next_chunk();
      } catch (...) {
        s.broken = true;
        throw;
      }
      continue;
    }
    const std::size_t take = std::min(out.size() - done, s.len - s.pos);
    std::memcpy(out.data() + done, s.plain.data() + s.pos, take);
    s.pos += take;
    done += take;
  }
  return done;
}

std::string_view to_string(Failure failure) noexcept {
  switch (failure) {
    case Failure::armor: return "armor failure";
    case Failure::header: return "header failure";
    case Failure::hmac: return "HMAC failure";
    case Failure::no_match: return "no match";
    case Failure::payload: return "payload failure";
  }
  return "failure";
}

}  // namespace folio::age
