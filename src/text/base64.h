// Base64 (RFC 4648, standard alphabet), strictly canonical: every byte string
// has exactly one accepted encoding (the unused low bits of the last character
// are zero). Unpadded for age headers (age.md, "Conventions"); padded for the
// age armor and the backup payload's attachment chunks.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace folio {

// Unpadded. Decoding rejects padding, other characters and non-zero trailing bits.
std::string base64_encode(std::span<const std::uint8_t> bytes);
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);
// With '=' padding: the length must be a multiple of 4.
std::string base64_encode_padded(std::span<const std::uint8_t> bytes);
std::optional<std::vector<std::uint8_t>> base64_decode_padded(std::string_view text);
bool is_base64_char(char c);
// The same two as base64_encode_padded / base64_decode_padded, into a buffer
// the caller reuses (the backup's chunk lines: no allocation per chunk).
// encode appends to `out`; decode replaces `out` and returns false (with `out`
// in an unspecified state) where base64_decode_padded returns nullopt.
void base64_encode_padded_append(std::span<const std::uint8_t> bytes, std::string& out);
bool base64_decode_padded_into(std::string_view text, std::vector<std::uint8_t>& out);

}  // namespace folio
