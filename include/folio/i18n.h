// folio/i18n.h: messages in the user's language (GNU gettext, domain "folio").
//
// English is the source language: every message a person reads is written in
// English in the code and wrapped in one of the calls below, which xgettext
// finds (scripts/update-po.sh; docs/TRANSLATING.md). The translation is looked
// up when the message is made, so an Error's what() is already in the user's
// language. Exit codes, error codes (to_string(Errc)) and every --json key and
// value stay the same in every language: never wrap those.
//
//   throw Error(Errc::not_found, trf("no entry with id {0}", id), tr("'folio list' shows the ids"));
//   note(trn("{0} entry imported", "{0} entries imported", n));
//
// Placeholders are positional, {0} to {9}, so a translation may put them in
// another order; any other brace is printed as it is.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

namespace folio {

// Chooses the language and where the catalogues are, once, before the first
// message: as GNU tools do, from LANGUAGE, LC_ALL, LC_MESSAGES and LANG (a
// language whose locale this system has not generated is still used, through
// the C.UTF-8 locale). Messages are UTF-8 whatever the locale's charset.
// Never fails: without a catalogue, messages stay English.
void init_messages(const std::filesystem::path& catalog_dir);

// The language messages are shown in, as the catalogue gettext chose names
// it ("zh_CN"), or "en" when messages stay English (no catalogue for the
// user's language, or a C locale). Lets data that is not a message, such as
// built-in template titles, follow the same choice.
std::string message_language();

// The translation of `msgid`, or `msgid` itself. The pointer lives as long as
// the process.
const char* tr(const char* msgid);

// `pattern` with {0}, {1} ... replaced by args[0], args[1] ...; a {N} with no
// argument, and every other brace, is kept as it is.
std::string format_message(std::string_view pattern, std::initializer_list<std::string_view> args);

namespace detail {
inline std::string_view as_text(std::string_view s) { return s; }
inline std::string_view as_text(const std::string& s) { return s; }
inline std::string_view as_text(const char* s) { return s; }
inline std::string as_text(const std::filesystem::path& p) { return p.string(); }
template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
std::string as_text(T n) {
  return std::to_string(n);
}
// The plural form of `one`/`many` for `n` in the user's language.
const char* plural(const char* one, const char* many, unsigned long n);
}  // namespace detail

// tr(msgid) with its placeholders filled: strings, paths and integers.
template <class... Args>
std::string trf(const char* msgid, const Args&... args) {
  return format_message(tr(msgid), {std::string_view(detail::as_text(args))...});
}

// The form of `one`/`many` that fits `n` (Chinese has one form, English two),
// with {0} = n and {1}, {2} ... = args.
template <class... Args>
std::string trn(const char* one, const char* many, unsigned long n, const Args&... args) {
  std::string count = std::to_string(n);
  return format_message(detail::plural(one, many, n), {std::string_view(count), std::string_view(detail::as_text(args))...});
}

}  // namespace folio

// Marks a string for translation where it cannot be translated yet (a table
// of constants): xgettext finds it, and the code calls tr() on it when used.
#define N_(text) text
