// folio/metadata.h: what a photo or a PDF tells about where, with what and by
// whom it was made (EXIF, XMP, IPTC, comments; a PDF's Info dictionary), read
// and, for images, removed in memory (libexiv2 on a memory buffer: no file
// is written, plaintext or not).
//
//   MediaMetadata m = read_metadata(bytes.data(), bytes.size(), "image/jpeg");
//   if (m.gps) ... m.gps->latitude ...
//   std::vector<std::uint8_t> clean = strip_metadata(bytes.data(), bytes.size(), "image/jpeg");
//
// Covered: JPEG, PNG, WebP, TIFF, HEIC/AVIF (when the libexiv2 build reads
// BMFF; stripping is refused where it cannot write it) and, read only, PDF.
// Pixels are not looked at: a face, a street sign or a watermark in the
// picture itself is not metadata.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace folio {

enum class MetadataFormat { none, image, pdf };

// Which reader applies to a stored media type ("image/jpeg", "application/pdf").
MetadataFormat metadata_format(std::string_view media_type) noexcept;

struct GpsPosition {
  double latitude = 0;   // degrees, south negative
  double longitude = 0;  // degrees, west negative
};

struct MediaMetadata {
  MetadataFormat format = MetadataFormat::none;
  // False when the bytes could not be parsed as the format their name says
  // (a truncated or foreign file): `error` says why, nothing else is known.
  bool readable = true;
  std::string error;

  bool exif = false, xmp = false, iptc = false, comment = false;
  // Blocks libexiv2 leaves alone but strip_metadata removes: a PNG's text
  // chunks (tEXt, zTXt, iTXt: Author, Software, ...) and tIME; a JPEG's
  // other APPn segments (extended XMP, MPF, maker blocks; not JFIF, the ICC
  // profile or Adobe's colour segment) and anything after its end (the
  // preview images a phone appends, with their own EXIF).
  bool other = false;
  std::optional<GpsPosition> gps;
  bool gps_tags = false;  // GPS tags present, even if no usable position
  std::string camera;     // "Make Model"
  std::string artist;     // EXIF Artist, XMP dc:creator or IPTC By-line
  std::string taken;      // EXIF DateTimeOriginal, as written
  // PDF only: the Info dictionary strings, as bytes from the file (UTF-16
  // strings decoded to UTF-8). Not terminal safe: untrusted text.
  std::string author, creator, producer;

  // True when anything above was found.
  bool any() const noexcept;
};

// Reads the metadata of `size` bytes at `data` of the given media type. Never
// throws for bad input: an unreadable file comes back with readable false.
// Strings are untrusted (make them terminal_safe before printing).
MediaMetadata read_metadata(const std::uint8_t* data, std::size_t size, std::string_view media_type);

// The image with EXIF, XMP, IPTC, its comment and the `other` blocks
// removed, pixels unchanged (the image data is copied as it is, not decoded). Error(refused) for a PDF
// or a type folio cannot strip; Error(invalid_argument) if the bytes are not
// a readable image of that type.
std::vector<std::uint8_t> strip_metadata(const std::uint8_t* data, std::size_t size,
                                         std::string_view media_type);

// The one rule for which media types strip_metadata takes: Error(refused)
// for a PDF ("does not support PDF files") and for anything but an image
// ("supports only images"). strip_metadata, Checklists::attach and
// check_attach_options (folio/checklist.h) all say it through this.
void check_strippable(std::string_view media_type);

}  // namespace folio
