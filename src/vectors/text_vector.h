// The CCTV text-vector layout shared by the age and folio runners: header
// lines ("key: value"), a blank line, the bytes. Internal to src/vectors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vectors/vectors.h"

namespace folio::vectors {

struct TextVector {
  std::vector<std::pair<std::string, std::string>> fields;  // in file order; keys may repeat
  std::vector<std::uint8_t> body;

  std::string first(std::string_view key) const;  // "" when absent
  std::vector<std::string> all(std::string_view key) const;
};

// Throws Error(corrupt) when there is no blank line or a line has no ": ".
TextVector parse_text_vector(const std::vector<std::uint8_t>& contents);

// One C2SP CCTV age vector, through folio::age::Reader (age_vectors.cpp).
void run_age_vector(const std::string& file, const std::string& name, const TextVector& v,
                    const Callbacks& report);
// One of folio's backup vectors (format: folio-backup-v1), likewise.
void run_backup_vector(const std::string& file, const std::string& name, const TextVector& v,
                       const Callbacks& report);

}  // namespace folio::vectors
