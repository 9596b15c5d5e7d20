// age::Writer: the header at construction, then the payload one 64 KiB chunk
// at a time. A chunk is sealed as "not last" only once more plaintext
// arrives, so the final chunk is never empty unless the whole payload is.
// Memory: one plaintext chunk (in sodium_malloc memory) and one sealed chunk.
#include <algorithm>
#include <cstring>

#include "age/format.h"

namespace folio::age {

using namespace detail;

struct Writer::State {
  Sink* sink = nullptr;  // out, or the armor over it
  std::optional<ArmorSink> armor;
  std::optional<PayloadCipher> cipher;
  Secret plain{kChunkSize};
  std::size_t used = 0;
  Bytes sealed = Bytes(kSealedChunkSize);
  bool finished = false;
  bool broken = false;  // the Sink failed: the file is unusable, later calls refuse

  void check_usable(const char* call) const {
    if (broken) throw Error(Errc::io, tr("the age file could not be written"));
    if (finished)
      throw Error(Errc::internal, std::string("age::Writer::") + call + " after finish");
  }

  void emit_chunk(bool last) {
    const std::size_t n = cipher->seal({plain.data(), used}, last, sealed);
    try {
      sink->write({sealed.data(), n});
    } catch (...) {
      broken = true;
      throw;
    }
    used = 0;
  }
};

Writer::Writer(Sink& out, const EncryptOptions& options) : state_(std::make_unique<State>()) {
  if (options.recipients.empty() && options.passphrase == nullptr) {
    throw Error(Errc::invalid_argument, tr("an age file needs a recipient or a passphrase"));
  }
  if (!options.recipients.empty() && options.passphrase != nullptr) {
    throw Error(Errc::invalid_argument,
                tr("an age file takes either a passphrase or recipients, not both"),
                tr("age allows the passphrase (scrypt) stanza only alone"));
  }
  if (options.passphrase != nullptr &&
      (options.scrypt_work_factor < 1 || options.scrypt_work_factor > 30)) {
    throw Error(Errc::invalid_argument, tr("the scrypt work factor must be between 1 and 30"));
  }
  auto& s = *state_;
  s.sink = &out;
  if (options.armor) {
    s.armor.emplace(out);
    s.sink = &*s.armor;
  }

  Secret file_key(kFileKeySize);
  random_bytes(file_key.data(), file_key.size());
  std::string header(kVersionLine);
  header += '\n';
  if (options.passphrase != nullptr) {
    append_stanza(header, wrap_scrypt(*options.passphrase, options.scrypt_work_factor, file_key));
  }
  for (const auto& recipient : options.recipients) {
    append_stanza(header, wrap_x25519(recipient, file_key));
  }
  header += "---";
  const auto mac = header_mac(file_key, header);
  header += ' ';
  header += base64_encode(mac);
  header += '\n';
  s.sink->write(bytes_of(header));

  std::array<std::uint8_t, kNonceSize> nonce;
  random_bytes(nonce.data(), nonce.size());
  s.sink->write(nonce);
  s.cipher.emplace(file_key, nonce);
}

Writer::~Writer() = default;

void Writer::write(std::span<const std::uint8_t> plaintext) {
  auto& s = *state_;
  s.check_usable("write");
  while (!plaintext.empty()) {
    if (s.used == kChunkSize) s.emit_chunk(false);
    const std::size_t take = std::min(plaintext.size(), kChunkSize - s.used);
    std::memcpy(s.plain.data() + s.used, plaintext.data(), take);
    s.used += take;
    plaintext = plaintext.subspan(take);
  }
}

void Writer::finish() {
  auto& s = *state_;
  s.check_usable("finish");
  s.emit_chunk(true);
  if (s.armor) {
    try {
      s.armor->finish();
    } catch (...) {
      s.broken = true;
      throw;
    }
  }
  s.finished = true;
}

}  // namespace folio::age
