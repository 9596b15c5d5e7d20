#pragma once

#include <string>
#include <utility>
#include <vector>

namespace folio {

struct BuiltinTemplate {
  std::string name;      // English slug, e.g. "study-abroad"
  std::string name_zh;   // Chinese name, accepted as an alias
  std::vector<std::pair<std::string, std::string>> items;  // {English, Chinese}
};

const std::vector<BuiltinTemplate>& builtin_templates();

}  // namespace folio
