#include "folio/i18n.h"

#include <libintl.h>

#include <clocale>
#include <cstdlib>
#include <cstring>

namespace folio {
namespace {

constexpr char kDomain[] = "folio";

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? v : nullptr;
}

// The locale name the user asked for messages, as setlocale(LC_MESSAGES, "")
// would read it.
const char* wanted_locale() {
  if (const char* v = env("LC_ALL")) return v;
  if (const char* v = env("LC_MESSAGES")) return v;
  if (const char* v = env("LANG")) return v;
  return nullptr;
}

bool is_c_locale(const char* name) {
  return std::strcmp(name, "C") == 0 || std::strcmp(name, "POSIX") == 0 || std::strncmp(name, "C.", 2) == 0;
}

}  // namespace

void init_messages(const std::filesystem::path& catalog_dir) {
  bindtextdomain(kDomain, catalog_dir.c_str());
  bind_textdomain_codeset(kDomain, "UTF-8");
  // Only the messages category: numbers, dates and character classes stay
  // the C locale's, which folio's parsers and formats rely on.
  if (std::setlocale(LC_MESSAGES, "") != nullptr) return;
  // LANG=zh_CN.UTF-8 on a system that never generated that locale (a fresh
  // Debian has only C.UTF-8): glibc would fall back to English. Messages do
  // not need the locale's data, only its language, so give gettext the
  // language through LANGUAGE (which it reads under any locale but plain C),
  // unless the user set LANGUAGE, which wins anyway.
  const char* name = wanted_locale();
  if (name == nullptr || is_c_locale(name)) return;
  if (std::setlocale(LC_MESSAGES, "C.UTF-8") == nullptr) return;
  if (env("LANGUAGE") != nullptr) return;
  std::string language(name);
  language = language.substr(0, language.find_first_of(".@"));
  setenv("LANGUAGE", language.c_str(), 1);
}

std::string message_language() {
  // The catalogue's header is the translation of "": its Language field is
  // the language gettext picked, from the same variables, in the same order.
  std::string_view header = dgettext(kDomain, "");
  constexpr std::string_view kField = "Language: ";
  auto at = header.find(kField);
  if (header.empty() || at == std::string_view::npos) return "en";
  header.remove_prefix(at + kField.size());
  std::string language(header.substr(0, header.find('\n')));
  return language.empty() ? "en" : language;
}

const char* tr(const char* msgid) {
  if (msgid == nullptr || *msgid == '\0') return "";  // gettext("") is the catalogue's header
  return dgettext(kDomain, msgid);
}

namespace detail {
const char* plural(const char* one, const char* many, unsigned long n) {
  return dngettext(kDomain, one, many, n);
}
}  // namespace detail

std::string format_message(std::string_view pattern, std::initializer_list<std::string_view> args) {
  std::string out;
  out.reserve(pattern.size() + 16 * args.size());
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 1] >= '0' && pattern[i + 1] <= '9' &&
        pattern[i + 2] == '}') {
      auto k = static_cast<std::size_t>(pattern[i + 1] - '0');
      if (k < args.size()) {
        out += *(args.begin() + k);
        i += 2;
        continue;
      }
    }
    out += pattern[i];
  }
  return out;
}

}  // namespace folio
