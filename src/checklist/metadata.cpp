// Photo and PDF metadata, read and removed in memory (folio/metadata.h).
//
// Images go through libexiv2 on a memory buffer (ImageFactory::open(byte*,
// long) makes a MemIo; writing metadata rewrites into another MemIo), so no
// file is opened: tests/cli/test_metadata.py checks that with strace. A PDF
// is scanned for its Info dictionary strings and an XMP packet: folio does
// not rewrite PDFs.
#include "folio/metadata.h"

#include <exiv2/exiv2.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>

#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/secret.h"

// libexiv2 0.27 (Debian 12) hands images out as Exiv2::Image::AutoPtr, a
// std::auto_ptr, which clang (the fuzz build, with -Werror) flags as
// deprecated wherever it is named. It is the library's API, not a choice.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace folio {
namespace {

void wipe_vector(std::vector<std::uint8_t>& v) { wipe(v.data(), v.size()); }

void quiet_exiv2() {
  static std::once_flag once;
  std::call_once(once, [] {
    // exiv2 logs warnings about odd files to stderr by itself; folio says
    // what matters in its own words.
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
    Exiv2::enableBMFF(true);
  });
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && s[start] == ' ') ++start;
  s.erase(0, start);
  // An EXIF ASCII value may hold a NUL in the middle: what follows is not shown.
  if (auto nul = s.find('\0'); nul != std::string::npos) s.resize(nul);
  return s;
}

std::string exif_text(const Exiv2::ExifData& exif, const char* key) {
  auto it = exif.findKey(Exiv2::ExifKey(key));
  if (it == exif.end()) return {};
  return trimmed(it->toString());
}

// Degrees from three EXIF rationals (degrees, minutes, seconds); nullopt
// for a malformed value.
std::optional<double> degrees(const Exiv2::ExifData& exif, const char* key) {
  auto it = exif.findKey(Exiv2::ExifKey(key));
  if (it == exif.end() || it->count() < 1) return std::nullopt;
  double out = 0, scale = 1;
  for (long i = 0; i < std::min<long>(it->count(), 3); ++i) {
    Exiv2::Rational r = it->toRational(i);
    if (r.second == 0) return std::nullopt;
    out += static_cast<double>(r.first) / static_cast<double>(r.second) / scale;
    scale *= 60;
  }
  return std::isfinite(out) ? std::optional<double>(out) : std::nullopt;
}

void read_exif(const Exiv2::ExifData& exif, MediaMetadata& m) {
  if (exif.empty()) return;
  m.exif = true;
  std::string make = exif_text(exif, "Exif.Image.Make");
  std::string model = exif_text(exif, "Exif.Image.Model");
  m.camera = make.empty() || model.rfind(make, 0) == 0 ? model : model.empty() ? make : make + " " + model;
  m.artist = exif_text(exif, "Exif.Image.Artist");
  m.taken = exif_text(exif, "Exif.Photo.DateTimeOriginal");
  for (const auto& d : exif) {
    if (d.groupName() == "GPSInfo") m.gps_tags = true;
  }
  auto lat = degrees(exif, "Exif.GPSInfo.GPSLatitude");
  auto lon = degrees(exif, "Exif.GPSInfo.GPSLongitude");
  if (lat && lon && *lat <= 90 && *lon <= 180) {
    if (exif_text(exif, "Exif.GPSInfo.GPSLatitudeRef") == "S") *lat = -*lat;
    if (exif_text(exif, "Exif.GPSInfo.GPSLongitudeRef") == "W") *lon = -*lon;
    m.gps = GpsPosition{*lat, *lon};
  }
}

void read_xmp_iptc(Exiv2::Image& image, MediaMetadata& m) {
  const Exiv2::XmpData& xmp = image.xmpData();
  m.xmp = !xmp.empty() || !image.xmpPacket().empty();
  for (const auto& d : xmp) {
    if (d.groupName() == "exif" && d.tagName().rfind("GPS", 0) == 0) m.gps_tags = true;
    if (m.artist.empty() && d.key() == "Xmp.dc.creator") m.artist = trimmed(d.toString());
  }
  const Exiv2::IptcData& iptc = image.iptcData();
  m.iptc = !iptc.empty();
  if (m.artist.empty()) {
    auto it = iptc.findKey(Exiv2::IptcKey("Iptc.Application2.Byline"));
    if (it != iptc.end()) m.artist = trimmed(it->toString());
  }
  m.comment = !image.comment().empty();
}

Exiv2::Image::AutoPtr open_image(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > static_cast<std::size_t>(std::numeric_limits<long>::max())) {
    throw Error(Errc::invalid_argument, tr("the file is empty or too large for its metadata to be read"));
  }
  auto image = Exiv2::ImageFactory::open(data, static_cast<long>(size));
  if (image.get() == nullptr) throw Error(Errc::invalid_argument, tr("not an image format folio can read"));
  image->readMetadata();
  return image;
}

// ---- what libexiv2 leaves: JPEG segments, PNG chunks -------------------

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

bool starts_with(const std::uint8_t* p, std::size_t n, std::string_view prefix) {
  return n >= prefix.size() && std::memcmp(p, prefix.data(), prefix.size()) == 0;
}

// The JPEG without its APPn segments other than JFIF (APP0), the ICC
// profile (APP2 "ICC_PROFILE") and Adobe's (APP14), without comments, and
// cut after its EOI. nullopt if its structure is not understood. `dropped`
// says whether anything went.
std::optional<std::vector<std::uint8_t>> jpeg_without_extras(const std::uint8_t* d, std::size_t n,
                                                             bool& dropped) {
  dropped = false;
  if (n < 4 || d[0] != 0xFF || d[1] != 0xD8) return std::nullopt;
  std::vector<std::uint8_t> out(d, d + 2);
  std::size_t i = 2;
  bool in_scan = false;
  while (i < n) {
    if (in_scan) {  // entropy-coded data: up to the next marker that is not a stuffed byte or RST
      std::size_t start = i;
      while (i + 1 < n && !(d[i] == 0xFF && d[i + 1] != 0x00 && !(d[i + 1] >= 0xD0 && d[i + 1] <= 0xD7) &&
                            d[i + 1] != 0xFF)) {
        ++i;
      }
      if (i + 1 >= n) return std::nullopt;  // no EOI
      out.insert(out.end(), d + start, d + i);
      in_scan = false;
      continue;
    }
    if (d[i] != 0xFF || i + 1 >= n) return std::nullopt;
    std::uint8_t marker = d[i + 1];
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (marker == 0xD9) {  // EOI: what follows is not this image
      out.push_back(0xFF);
      out.push_back(0xD9);
      if (i + 2 < n) dropped = true;
      return out;
    }
    if (i + 4 > n) return std::nullopt;
    std::size_t len = (std::size_t{d[i + 2]} << 8) | d[i + 3];
    if (len < 2 || i + 2 + len > n) return std::nullopt;
    const std::uint8_t* body = d + i + 4;
    std::size_t body_len = len - 2;
    bool keep = true;
    if (marker == 0xFE) keep = false;  // COM
    if (marker >= 0xE1 && marker <= 0xEF && marker != 0xEE) {
      keep = marker == 0xE2 && starts_with(body, body_len, std::string_view("ICC_PROFILE\0", 12));
    }
    if (keep) {
      out.insert(out.end(), d + i, d + i + 2 + len);
    } else {
      dropped = true;
    }
    if (marker == 0xDA) in_scan = true;
    i += 2 + len;
  }
  return std::nullopt;
}

// The PNG without its text chunks and tIME; nullopt if not understood.
std::optional<std::vector<std::uint8_t>> png_without_extras(const std::uint8_t* d, std::size_t n,
                                                            bool& dropped) {
  dropped = false;
  static const std::uint8_t kSig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (n < 8 || std::memcmp(d, kSig, 8) != 0) return std::nullopt;
  std::vector<std::uint8_t> out(d, d + 8);
  for (std::size_t i = 8; i + 12 <= n;) {
    std::size_t len = be32(d + i);
    if (len > n - i - 12) return std::nullopt;
    std::string_view kind(reinterpret_cast<const char*>(d + i + 4), 4);
    bool drop = kind == "tEXt" || kind == "zTXt" || kind == "iTXt" || kind == "tIME" || kind == "eXIf";
    if (drop) {
      dropped = true;
    } else {
      out.insert(out.end(), d + i, d + i + 12 + len);
    }
    i += 12 + len;
    if (kind == "IEND") {
      if (i < n) dropped = true;
      return out;
    }
  }
  return std::nullopt;
}

// What strip_metadata removes beyond libexiv2; the bytes unchanged for
// other formats. nullopt: a JPEG or PNG whose structure is not understood.
std::optional<std::vector<std::uint8_t>> without_extras(const std::uint8_t* d, std::size_t n,
                                                        std::string_view media_type, bool& dropped) {
  if (media_type == "image/jpeg") return jpeg_without_extras(d, n, dropped);
  if (media_type == "image/png") return png_without_extras(d, n, dropped);
  dropped = false;
  return std::vector<std::uint8_t>(d, d + n);
}

// ---- PDF ----------------------------------------------------------------

void append_utf8(std::string& out, std::uint32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// A PDF text string's bytes as UTF-8: UTF-16BE when it starts with FE FF,
// else the bytes as they are (PDFDocEncoding is ASCII for what matters here).
std::string pdf_text(const std::string& raw) {
  if (raw.size() < 2 || static_cast<unsigned char>(raw[0]) != 0xFE || static_cast<unsigned char>(raw[1]) != 0xFF) {
    return raw;
  }
  std::string out;
  for (std::size_t i = 2; i + 1 < raw.size(); i += 2) {
    std::uint32_t u = (static_cast<unsigned char>(raw[i]) << 8) | static_cast<unsigned char>(raw[i + 1]);
    if (u >= 0xD800 && u < 0xDC00 && i + 3 < raw.size()) {
      std::uint32_t lo = (static_cast<unsigned char>(raw[i + 2]) << 8) | static_cast<unsigned char>(raw[i + 3]);
      if (lo >= 0xDC00 && lo < 0xE000) {
        append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    append_utf8(out, u >= 0xD800 && u < 0xE000 ? 0xFFFD : u);
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The string after `/Key` (a literal "(...)" or a hex "<...>"), the last
// one in the file (an incremental update appends the newer Info).
std::string pdf_info_string(std::string_view pdf, std::string_view key) {
  constexpr std::size_t kMaxString = 4096;
  std::string found;
  for (std::size_t at = pdf.find(key); at != std::string_view::npos; at = pdf.find(key, at + 1)) {
    std::size_t i = at + key.size();
    if (i < pdf.size() && std::isalnum(static_cast<unsigned char>(pdf[i]))) continue;  // /Authors
    while (i < pdf.size() && std::strchr(" \t\r\n\f", pdf[i]) != nullptr && pdf[i] != '\0') ++i;
    if (i >= pdf.size()) break;
    std::string raw;
    if (pdf[i] == '(') {
      int depth = 1;
      for (++i; i < pdf.size() && depth > 0 && raw.size() < kMaxString; ++i) {
        char c = pdf[i];
        if (c == '\\' && i + 1 < pdf.size()) {
          char e = pdf[++i];
          static const char* kFrom = "nrtbf()\\";
          static const char* kTo = "\n\r\t\b\f()\\";
          if (const char* p = std::strchr(kFrom, e); p != nullptr && e != '\0') {
            raw += kTo[p - kFrom];
          } else if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0; k < 2 && i + 1 < pdf.size() && pdf[i + 1] >= '0' && pdf[i + 1] <= '7'; ++k) {
              v = v * 8 + (pdf[++i] - '0');
            }
            raw += static_cast<char>(v & 0xFF);
          }
          continue;  // a backslash before a line break joins the lines
        }
        if (c == '(') ++depth;
        if (c == ')' && --depth == 0) break;
        raw += c;
      }
    } else if (pdf[i] == '<' && (i + 1 >= pdf.size() || pdf[i + 1] != '<')) {
      int high = -1;
      for (++i; i < pdf.size() && pdf[i] != '>' && raw.size() < kMaxString; ++i) {
        int v = hex_value(pdf[i]);
        if (v < 0) continue;
        if (high < 0) {
          high = v;
        } else {
          raw += static_cast<char>(high * 16 + v);
          high = -1;
        }
      }
      if (high >= 0) raw += static_cast<char>(high * 16);
    } else {
      continue;  // an indirect reference or another type: not followed
    }
    std::string text = trimmed(pdf_text(raw));
    if (!text.empty()) found = text;
  }
  return found;
}

MediaMetadata read_pdf(const std::uint8_t* data, std::size_t size) {
  MediaMetadata m;
  m.format = MetadataFormat::pdf;
  std::string_view pdf(reinterpret_cast<const char*>(data), size);
  if (pdf.substr(0, 1024).find("%PDF-") == std::string_view::npos) {
    m.readable = false;
    m.error = tr("it does not start as a PDF does");
    return m;
  }
  m.author = pdf_info_string(pdf, "/Author");
  m.creator = pdf_info_string(pdf, "/Creator");
  m.producer = pdf_info_string(pdf, "/Producer");
  m.xmp = pdf.find("<x:xmpmeta") != std::string_view::npos || pdf.find("<?xpacket") != std::string_view::npos;
  return m;
}

}  // namespace

MetadataFormat metadata_format(std::string_view media_type) noexcept {
  if (media_type == "application/pdf") return MetadataFormat::pdf;
  static constexpr std::string_view kImages[] = {"image/jpeg", "image/png",  "image/webp",
                                                 "image/tiff", "image/heic", "image/gif"};
  for (auto t : kImages) {
    if (media_type == t) return MetadataFormat::image;
  }
  return MetadataFormat::none;
}

bool MediaMetadata::any() const noexcept {
  return exif || xmp || iptc || comment || other || gps || gps_tags || !camera.empty() || !artist.empty() ||
         !author.empty() || !creator.empty() || !producer.empty();
}

MediaMetadata read_metadata(const std::uint8_t* data, std::size_t size, std::string_view media_type) {
  MetadataFormat format = metadata_format(media_type);
  if (format == MetadataFormat::pdf) return read_pdf(data, size);
  MediaMetadata m;
  m.format = format;
  if (format == MetadataFormat::none) return m;
  quiet_exiv2();
  try {
    auto image = open_image(data, size);
    read_exif(image->exifData(), m);
    read_xmp_iptc(*image, m);
    bool dropped = false;
    auto rest = without_extras(data, size, media_type, dropped);
    if (!rest) throw Error(Errc::invalid_argument, tr("its structure is damaged"));
    wipe_vector(*rest);
    m.other = dropped;
  } catch (const Error& e) {
    m = MediaMetadata{};
    m.format = format;
    m.readable = false;
    m.error = e.what();
  } catch (const Exiv2::AnyError& e) {
    m = MediaMetadata{};
    m.format = format;
    m.readable = false;
    m.error = trf("libexiv2 could not parse it ({0})", e.what());
  } catch (const std::exception& e) {  // std::bad_alloc on a forged length, and the like
    m = MediaMetadata{};
    m.format = format;
    m.readable = false;
    m.error = tr("libexiv2 could not parse it");
  }
  return m;
}

void check_strippable(std::string_view media_type) {
  const MetadataFormat format = metadata_format(media_type);
  if (format == MetadataFormat::pdf) {
    throw Error(Errc::refused, tr("--strip-metadata does not support PDF files"),
                tr("attach it without --strip-metadata; folio then says what metadata it carries"));
  }
  if (format == MetadataFormat::none) {
    throw Error(Errc::refused, tr("--strip-metadata supports only images (JPEG, PNG, WebP, TIFF, HEIC)"),
                tr("attach this file without --strip-metadata"));
  }
}

std::vector<std::uint8_t> strip_metadata(const std::uint8_t* data, std::size_t size,
                                         std::string_view media_type) {
  check_strippable(media_type);
  quiet_exiv2();
  std::vector<std::uint8_t> out;
  try {
    auto image = open_image(data, size);
    image->clearExifData();
    image->clearXmpData();
    image->clearXmpPacket();
    image->clearIptcData();
    image->clearComment();
    image->writeMetadata();
    Exiv2::BasicIo& io = image->io();
    if (io.open() != 0) throw Error(Errc::internal, "could not read back the image without its metadata");
    out.resize(io.size());
    long got = out.empty() ? 0 : io.read(out.data(), static_cast<long>(out.size()));
    io.close();
    if (got < 0 || static_cast<std::size_t>(got) != out.size()) {
      throw Error(Errc::internal, "could not read back the image without its metadata");
    }
  } catch (const Error&) {
    throw;
  } catch (const Exiv2::AnyError& e) {
    throw Error(Errc::invalid_argument,
                trf("cannot remove the metadata: libexiv2 could not rewrite it ({0})", e.what()),
                tr("attach it without --strip-metadata, or convert it to JPEG or PNG first"));
  } catch (const std::bad_alloc&) {
    throw Error(Errc::invalid_argument, tr("cannot remove the metadata: the image is malformed"));
  }
  bool dropped = false;
  auto rest = without_extras(out.data(), out.size(), media_type, dropped);
  wipe_vector(out);
  if (!rest) throw Error(Errc::internal, "libexiv2 wrote a damaged image; nothing was stored");
  out = std::move(*rest);
  // What was written is read back: a format whose writer kept something
  // (or broke the file) is refused rather than stored as "stripped".
  MediaMetadata left = read_metadata(out.data(), out.size(), media_type);
  // (A TIFF keeps the EXIF tags that describe its pixels: those are not asked about.)
  if (!left.readable || left.other || left.xmp || left.iptc || left.comment || left.gps_tags || !left.camera.empty() ||
      !left.artist.empty() || !left.taken.empty()) {
    throw Error(Errc::internal, "the image still carried metadata after stripping; nothing was stored",
                "convert it to JPEG or PNG and attach it again with --strip-metadata");
  }
  return out;
}

}  // namespace folio
