// folio selftest: the known-answer table (src/vectors/selftest.cpp) as a
// table or JSON, with the libsodium and SQLCipher versions. Exit 1 on any
// failure.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/common.h"
#include "folio/i18n.h"
#include "folio/text.h"
#include "folio/version.h"
#include "vectors/vectors.h"

namespace folio::cli {

void add_selftest(CLI::App& app, Globals&, Action& run) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "selftest", tr("known-answer tests of every primitive folio uses, through folio's own code"));
  cmd->add_flag("--json", *json, tr("print JSON"));
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
      // TRANSLATORS: the column headers of 'folio selftest'.
      const std::string name_label = tr("NAME"), source_label = tr("SOURCE"), result_label = tr("RESULT");
      // Padded by display width: a translated header may be wider than its bytes.
      std::size_t name_width = display_width(name_label), source_width = display_width(source_label);
      for (const auto& r : results) {
        name_width = std::max(name_width, display_width(r.name));
        source_width = std::max(source_width, display_width(r.source));
      }
      auto row = [&](const std::string& name, const std::string& source,
                     const std::string& result) {
        std::cout << pad_width(name, name_width) << "  " << pad_width(source, source_width) << "  " << result
                  << '\n';
      };
      row(name_label, source_label, result_label);
      std::size_t passed = 0;
      for (const auto& r : results) {
        passed += r.passed ? 1 : 0;
        // TRANSLATORS: the result of one known-answer test in 'folio selftest'.
        row(r.name, r.source, r.passed ? paint(tr("pass"), "32") : paint(tr("FAIL"), "1;31"));
        if (!r.passed) std::cout << "    " << tr(r.detail.c_str()) << '\n';
      }
      std::cout << "\nfolio " << kVersion << ", libsodium " << sodium_version() << ", SQLCipher "
                << sqlcipher_version() << '\n';
      // TRANSLATORS: a note under the table of 'folio selftest'.
      for (const auto& n : vectors::selftest_notes()) std::cout << trf("note: {0}", tr(n.c_str())) << '\n';
      char secs[32];
      std::snprintf(secs, sizeof secs, "%.2f", seconds);
      // TRANSLATORS: {0} and {1} are numbers of tests, {2} seconds ("0.12").
      std::cout << trf("{0} of {1} passed in {2} s", passed, results.size(), secs) << '\n';
      for (const auto& r : results) {
        if (!r.passed) note(trf("known-answer test failed: {0} ({1})", r.name, r.source));
      }
      return code;
    };
  });
}

}  // namespace folio::cli
