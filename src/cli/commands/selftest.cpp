// folio selftest: the known-answer table (src/vectors/selftest.cpp) as a
// table or JSON, with the libsodium and SQLCipher versions. Exit 1 on any
// failure.
#include <chrono>
#include <iomanip>
#include <iostream>

#include "cli/common.h"
#include "folio/version.h"
#include "vectors/vectors.h"

namespace folio::cli {

void add_selftest(CLI::App& app, Globals&, Action& run) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "selftest", "known-answer tests of every primitive folio uses, through folio's own code");
  cmd->add_flag("--json", *json, "print JSON");
  cmd->callback([&run, json] {
    run = [json] {
      auto start = std::chrono::steady_clock::now();
      auto results = vectors::run_known_answers(vectors::known_answers());
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      int code = vectors::selftest_exit_code(results);
      if (*json) {
        nlohmann::json tests = nlohmann::json::array();
        for (const auto& r : results) {
          tests.push_back(
              {{"name", r.name}, {"source", r.source}, {"passed", r.passed}, {"detail", r.detail}});
        }
        print_json({{"passed", code == 0},
                    {"tests", tests},
                    {"libsodium", sodium_version()},
                    {"sqlcipher", sqlcipher_version()},
                    {"folio", kVersion},
                    {"seconds", seconds},
                    {"notes", vectors::selftest_notes()}});
        return code;
      }
      std::size_t name_width = 4, source_width = 6;
      for (const auto& r : results) {
        name_width = std::max(name_width, r.name.size());
        source_width = std::max(source_width, r.source.size());
      }
      auto row = [&](const std::string& name, const std::string& source,
                     const std::string& result) {
        std::cout << std::left << std::setw(static_cast<int>(name_width)) << name << "  "
                  << std::setw(static_cast<int>(source_width)) << source << "  " << result << '\n';
      };
      row("NAME", "SOURCE", "RESULT");
      std::size_t passed = 0;
      for (const auto& r : results) {
        passed += r.passed ? 1 : 0;
        row(r.name, r.source, r.passed ? paint("pass", "32") : paint("FAIL", "1;31"));
        if (!r.passed) std::cout << "    " << r.detail << '\n';
      }
      std::cout << "\nfolio " << kVersion << ", libsodium " << sodium_version() << ", SQLCipher "
                << sqlcipher_version() << '\n';
      for (const auto& n : vectors::selftest_notes()) std::cout << "note: " << n << '\n';
      std::cout << passed << " of " << results.size() << " passed in " << std::fixed
                << std::setprecision(2) << seconds << " s\n";
      for (const auto& r : results) {
        if (!r.passed) note("known-answer test failed: " + r.name + " (" + r.source + ")");
      }
      return code;
    };
  });
}

}  // namespace folio::cli
