// `folio vectors run`: which runner a path goes to. A .json file is a
// Wycheproof file; any other file is a text vector in the CCTV style (its
// `format:` line, or none for age, picks the runner); a folder is each of
// the files under it, in path order.
#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include "folio/error.h"
#include "folio/i18n.h"
#include "vectors/vectors.h"

namespace folio::vectors {
namespace {

namespace fs = std::filesystem;

std::vector<std::uint8_t> read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(Errc::io, trf("cannot read {0}", path));
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// Files in a folder that are not vectors: documentation and licences.
bool is_documentation(const fs::path& p) {
  std::string name = p.filename().string();
  if (name.empty() || name[0] == '.') return true;
  std::string stem = p.stem().string();
  std::transform(stem.begin(), stem.end(), stem.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  auto ext = p.extension();
  return stem == "README" || stem == "LICENSE" || stem == "NOTICE" || ext == ".md" ||
         ext == ".py" || ext == ".pyc";
}

void run_file(const fs::path& path, const std::string& shown, const Callbacks& report) {
  std::vector<std::uint8_t> bytes;
  try {
    bytes = read_all(path);
  } catch (const Error& e) {
    report.refusal({shown, e.what()});
    return;
  }
  if (path.extension() == ".json") {
    run_wycheproof(shown, std::string(bytes.begin(), bytes.end()), report);
  } else {
    run_text_vector(shown, path.filename().string(), bytes, report);
  }
}

}  // namespace

std::string_view to_string(Verdict v) noexcept {
  switch (v) {
    case Verdict::pass:
      return "pass";
    case Verdict::fail:
      return "fail";
    case Verdict::acceptable:
      return "acceptable";
    case Verdict::unsupported:
      return "unsupported";
  }
  return "fail";
}

Summary run(const std::vector<fs::path>& paths, const Callbacks& report) {
  Summary summary;
  Callbacks counting{[&](const Result& r) {
                       switch (r.verdict) {
                         case Verdict::pass:
                           ++summary.passed;
                           break;
                         case Verdict::fail:
                           ++summary.failed;
                           break;
                         case Verdict::acceptable:
                           ++summary.acceptable;
                           break;
                         case Verdict::unsupported:
                           ++summary.unsupported;
                           break;
                       }
                       report.result(r);
                     },
                     [&](const Refusal& r) {
                       ++summary.refused;
                       report.refusal(r);
                     }};
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> files;
      for (auto it = fs::recursive_directory_iterator(path);
           it != fs::recursive_directory_iterator(); ++it) {
        std::string name = it->path().filename().string();
        if (it->is_directory() && (name.starts_with(".") || name == "__pycache__")) {
          it.disable_recursion_pending();
        } else if (it->is_regular_file() && !is_documentation(it->path())) {
          files.push_back(it->path());
        }
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) {
        ++summary.files;
        run_file(f, f.string(), counting);
      }
    } else if (fs::is_regular_file(path, ec)) {
      ++summary.files;
      run_file(path, path.string(), counting);
    } else {
      throw Error(Errc::not_found, trf("no such file or folder: {0}", path),
                  tr("give Wycheproof .json files or folders of age test vectors"));
    }
  }
  return summary;
}

std::vector<std::uint8_t> from_hex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) throw Error(Errc::invalid_argument, "hex of odd length");
  std::vector<std::uint8_t> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) throw Error(Errc::invalid_argument, "not hex");
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string to_hex(const std::uint8_t* data, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(2 * size, '0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 0xf];
  }
  return out;
}

}  // namespace folio::vectors
