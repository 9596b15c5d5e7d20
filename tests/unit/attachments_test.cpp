// Checklists::attach and Checklists::extract over several 1 MiB chunks, with
// the real SQLCipher and libsodium: the hash and the output are done on a
// second thread (src/checklist/attachments.cpp), so these check that what
// comes out is what went in, in order, and that a failure there reaches the
// caller.
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "folio/checklist.h"
#include "folio/kdf.h"
#include "folio/vault.h"
#include "support.h"

using namespace folio;
namespace fs = std::filesystem;
using folio_test::error_code_of;
using folio_test::TempDir;

namespace {

const Secret& passphrase() {
  static const Secret p = Secret::from("attachments test passphrase");
  return p;
}

struct Fixture {
  TempDir tmp;
  fs::path dir = tmp / "vault";
  Secret recovery = Vault::create(dir, passphrase(), kKdfCheapest);
  Vault vault = Vault::open(dir, passphrase());
  Checklists lists = vault.checklists();
  std::string item;

  Fixture() {
    Checklist list = lists.create({"Visa", std::nullopt, std::nullopt});
    ItemDraft d;
    d.title = "Bank statements";
    item = lists.add_item(list.id, d).id;
  }

  // `size` bytes that differ from chunk to chunk (a chunk written twice or
  // out of order would not give them back).
  fs::path file(const std::string& name, std::size_t size, std::vector<std::uint8_t>& bytes) {
    bytes.resize(size);
    if (size > 0) randombytes_buf(bytes.data(), bytes.size());  // data() of an empty vector may be null
    fs::path p = tmp / name;
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return p;
  }

  std::vector<std::uint8_t> extracted(const std::string& id) {
    fs::path out = tmp / "out.bin";
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    lists.extract(id, fd);
    ::close(fd);
    std::ifstream f(out, std::ios::binary);
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
};

std::string blake2b_hex(const std::vector<std::uint8_t>& bytes) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, bytes.data(), bytes.size(), nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace

TEST_CASE("a file of many chunks comes back byte for byte, with the BLAKE2b of the whole file",
          "[attachments]") {
  Fixture f;
  std::vector<std::uint8_t> bytes;
  // 13 full chunks and a short one: more than the buffers in flight.
  fs::path p = f.file("statements.bin", (13u << 20) + 4321, bytes);
  std::vector<std::uint64_t> seen;
  Attachment a = f.lists.attach(f.item, p, [&](std::uint64_t done, std::uint64_t) { seen.push_back(done); });
  CHECK(a.size == bytes.size());
  CHECK(a.blake2b == blake2b_hex(bytes));
  CHECK(seen.size() == 14);
  CHECK(seen.back() == bytes.size());
  CHECK(f.extracted(a.id) == bytes);
}

TEST_CASE("an image read whole for its metadata is hashed and stored like any file", "[attachments]") {
  Fixture f;
  std::vector<std::uint8_t> bytes;
  // Not a real JPEG: its metadata cannot be read, and it is stored as it is.
  fs::path p = f.file("scan.jpg", (3u << 20) + 1, bytes);
  Attachment a = f.lists.attach(f.item, p);
  CHECK(a.blake2b == blake2b_hex(bytes));
  CHECK(f.extracted(a.id) == bytes);
}

TEST_CASE("a write that fails during extract is reported as an I/O error", "[attachments]") {
  Fixture f;
  std::vector<std::uint8_t> bytes;
  Attachment a = f.lists.attach(f.item, f.file("statements.bin", 9u << 20, bytes));
  // /dev/full refuses every write with ENOSPC, on the second thread.
  int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  CHECK(error_code_of([&] { f.lists.extract(a.id, fd); }) == Errc::io);
  ::close(fd);
  // The vault is still usable afterwards.
  CHECK(f.extracted(a.id) == bytes);
}

TEST_CASE("an empty file is stored without chunks and extracted as nothing", "[attachments]") {
  Fixture f;
  std::vector<std::uint8_t> bytes;
  Attachment a = f.lists.attach(f.item, f.file("empty.txt", 0, bytes));
  CHECK(a.size == 0);
  CHECK(a.blake2b == blake2b_hex(bytes));
  CHECK(f.extracted(a.id).empty());
}

TEST_CASE("strip_metadata of a PDF or a non-image is refused by its name, before anything is read or stored",
          "[attachments]") {
  Fixture f;
  std::vector<std::uint8_t> bytes;
  AttachOptions strip;
  strip.strip_metadata = true;
  for (const char* name : {"scan.pdf", "notes.txt"}) {
    INFO(name);
    fs::path p = f.file(name, 100, bytes);
    // What the CLI asks before the passphrase is what attach() says.
    std::string said_first, said_by_attach;
    try {
      check_attach_options(p, strip);
    } catch (const Error& e) {
      CHECK(e.code() == Errc::refused);
      said_first = e.what();
    }
    try {
      f.lists.attach(f.item, p, {}, strip);
    } catch (const Error& e) {
      CHECK(e.code() == Errc::refused);
      said_by_attach = e.what();
    }
    CHECK_FALSE(said_first.empty());
    CHECK(said_first == said_by_attach);
    CHECK_NOTHROW(check_attach_options(p, AttachOptions{}));
  }
  CHECK(f.lists.attachments(f.item).empty());
  // Only the name counts: an image's is accepted without the file being opened.
  CHECK_NOTHROW(check_attach_options(f.tmp / "not written yet.jpg", strip));
}
