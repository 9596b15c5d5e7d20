#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "folio/error.h"
#include "folio/metadata.h"
#include "support.h"

using namespace folio;

namespace {

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace

TEST_CASE("metadata_format knows images and PDFs by media type", "[metadata]") {
  CHECK(metadata_format("image/jpeg") == MetadataFormat::image);
  CHECK(metadata_format("image/png") == MetadataFormat::image);
  CHECK(metadata_format("image/heic") == MetadataFormat::image);
  CHECK(metadata_format("application/pdf") == MetadataFormat::pdf);
  CHECK(metadata_format("text/plain") == MetadataFormat::none);
  CHECK(metadata_format("application/octet-stream") == MetadataFormat::none);
}

TEST_CASE("a PDF's Info strings are read: literal, escaped, hex and UTF-16", "[metadata]") {
  auto pdf = bytes_of(
      "%PDF-1.7\n2 0 obj << /Author (Li \\(Lei\\)) /Creator <FEFF5F204F1F> /Producer (a\\101b) "
      "/Authors (not this) >> endobj\n<?xpacket begin=''?><x:xmpmeta/>\n%%EOF");
  MediaMetadata m = read_metadata(pdf.data(), pdf.size(), "application/pdf");
  CHECK(m.readable);
  CHECK(m.author == "Li (Lei)");
  CHECK(m.creator == "\xE5\xBC\xA0\xE4\xBC\x9F");  // 张伟
  CHECK(m.producer == "aAb");
  CHECK(m.xmp);
  CHECK(m.any());

  auto plain = bytes_of("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF");
  MediaMetadata none = read_metadata(plain.data(), plain.size(), "application/pdf");
  CHECK(none.readable);
  CHECK_FALSE(none.any());

  auto foreign = bytes_of("PK\x03\x04 not a pdf");
  CHECK_FALSE(read_metadata(foreign.data(), foreign.size(), "application/pdf").readable);
}

TEST_CASE("an unterminated PDF string is cut, not run past the end", "[metadata]") {
  for (const char* text : {"%PDF-1.4 /Author (abc", "%PDF-1.4 /Author <FEFF5F", "%PDF-1.4 /Author",
                           "%PDF-1.4 /Author (\\", "%PDF-1.4 /Author (\\1"}) {
    auto pdf = bytes_of(text);
    MediaMetadata m = read_metadata(pdf.data(), pdf.size(), "application/pdf");
    CHECK(m.readable);
  }
}

TEST_CASE("garbage with an image's magic bytes is unreadable, never a crash", "[metadata]") {
  std::mt19937 rng(18);
  const std::vector<std::pair<std::string, std::string>> magics = {
      {"image/jpeg", std::string("\xFF\xD8\xFF\xE1\x00\x10" "Exif\0\0II*\0", 16)},
      {"image/png", std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16)},
      {"image/tiff", std::string("II*\0\x08\0\0\0", 8)},
      {"image/webp", std::string("RIFF\x10\0\0\0WEBPVP8X", 16)},
      {"image/heic", std::string("\0\0\0\x18" "ftypheic", 12)}};
  for (const auto& [type, magic] : magics) {
    for (int round = 0; round < 50; ++round) {
      std::vector<std::uint8_t> data(magic.begin(), magic.end());
      std::size_t extra = rng() % 600;
      for (std::size_t i = 0; i < extra; ++i) data.push_back(static_cast<std::uint8_t>(rng()));
      MediaMetadata m = read_metadata(data.data(), data.size(), type);
      CHECK(m.format == MetadataFormat::image);
      if (!m.readable) {
        CHECK_FALSE(m.error.empty());
        CHECK_THROWS_AS(strip_metadata(data.data(), data.size(), type), Error);
      }
    }
  }
  std::vector<std::uint8_t> empty;
  CHECK_FALSE(read_metadata(empty.data(), 0, "image/jpeg").readable);
}

TEST_CASE("strip_metadata refuses a PDF and a non-image", "[metadata]") {
  auto pdf = bytes_of("%PDF-1.4 /Author (x)");
  try {
    strip_metadata(pdf.data(), pdf.size(), "application/pdf");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::refused);
  }
  auto text = bytes_of("hello");
  CHECK_THROWS_AS(strip_metadata(text.data(), text.size(), "text/plain"), Error);
}
