// Shared helpers for the unit tests: temporary folders, error-code matchers,
// time-zone switching, file bytes. Header-only; every *_test.cpp may include it.
#pragma once

#include <catch2/catch.hpp>
#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "folio/error.h"
#include "folio/journal.h"
#include "folio/secret.h"

namespace Catch {
template <>
struct StringMaker<folio::Errc> {
  static std::string convert(folio::Errc code) { return std::string(folio::to_string(code)); }
};
template <>
struct StringMaker<folio::Error> {
  static std::string convert(const folio::Error& e) {
    return std::string(folio::to_string(e.code())) + ": " + e.what();
  }
};
}  // namespace Catch

namespace folio_test {

// Matches a folio::Error with the given code.
class HasCode : public Catch::MatcherBase<folio::Error> {
 public:
  explicit HasCode(folio::Errc code) : code_(code) {}
  bool match(const folio::Error& e) const override { return e.code() == code_; }
  std::string describe() const override {
    return "has code " + std::string(folio::to_string(code_));
  }

 private:
  folio::Errc code_;
};

// The code of the folio::Error `f` throws, or nullopt when it returns normally.
// Any other exception propagates (and fails the test).
template <typename F>
std::optional<folio::Errc> error_code_of(F&& f) {
  try {
    f();
  } catch (const folio::Error& e) {
    return e.code();
  }
  return std::nullopt;
}

// A fresh folder under the system temp dir (mkdtemp), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "folio-unit-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) FAIL("mkdtemp failed");
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Sets (or, with nullptr, unsets) an environment variable for the lifetime of
// the object and restores the previous value.
class EnvGuard {
 public:
  EnvGuard(const char* name, const char* value) : name_(name) {
    if (const char* old = ::getenv(name); old != nullptr) old_ = std::string(old);
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~EnvGuard() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// Sets TZ (and calls tzset) for the lifetime of the object, then restores it.
class TzGuard {
 public:
  explicit TzGuard(const char* tz) {
    env_.emplace("TZ", tz);
    ::tzset();
  }
  ~TzGuard() {
    env_.reset();
    ::tzset();
  }
  TzGuard(const TzGuard&) = delete;
  TzGuard& operator=(const TzGuard&) = delete;

 private:
  std::optional<EnvGuard> env_;
};

inline std::vector<std::uint8_t> read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in.good());
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline void write_bytes(const std::filesystem::path& p, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  REQUIRE(out.good());
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

inline bool contains(const std::vector<std::uint8_t>& hay, const std::string& needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

inline folio::Secret random_secret(std::size_t size) {
  folio::Secret s(size);
  folio::random_bytes(s.data(), s.size());
  return s;
}

// Drafts and filters without designated initializers (GCC warns about the
// members they leave out under -Wextra).
inline folio::EntryDraft draft(std::string body, std::vector<std::string> tags = {},
                               std::optional<std::string> title = std::nullopt) {
  folio::EntryDraft d;
  d.body = std::move(body);
  d.tags = std::move(tags);
  d.title = std::move(title);
  return d;
}

inline folio::EntryFilter filter(std::optional<std::string> tag,
                                 std::optional<folio::Timestamp> since = std::nullopt,
                                 std::optional<folio::Timestamp> until = std::nullopt,
                                 std::optional<std::size_t> limit = std::nullopt) {
  folio::EntryFilter f;
  f.tag = std::move(tag);
  f.since = since;
  f.until = until;
  f.limit = limit;
  return f;
}

}  // namespace folio_test

#define CHECK_ERRC(expr, errc) \
  CHECK_THROWS_MATCHES(expr, folio::Error, folio_test::HasCode(errc))
#define REQUIRE_ERRC(expr, errc) \
  REQUIRE_THROWS_MATCHES(expr, folio::Error, folio_test::HasCode(errc))
