// folio vectors run FILE|DIR...: Wycheproof files, C2SP CCTV age vectors and
// folio's own format vectors through folio's crypto layer. One line per test
// (or one JSON object per line), then what was acceptable, unsupported or
// refused, then a summary. Exit 1 when a test failed or nothing ran.
#include "vectors/vectors.h"

#include <iostream>
#include <map>

#include "cli/common.h"
#include "folio/i18n.h"

namespace folio::cli {
namespace {

using vectors::Result;
using vectors::Verdict;

std::string flags_text(const std::vector<std::string>& flags) {
  std::string out;
  for (const auto& f : flags) out += (out.empty() ? "" : ",") + f;
  return out;
}

// Notes and reasons are English N_ sentences (the words of --json), put into
// the user's language only here, where a person reads them.
void print_line(const Result& r) {
  const char* sgr = r.verdict == Verdict::pass ? "32" : r.verdict == Verdict::fail ? "1;31" : "33";
  std::string verdict = r.verdict == Verdict::fail ? "FAIL" : std::string(to_string(r.verdict));
  // A text vector's id is its file name: show the path once.
  bool named_by_file = r.file.size() > r.id.size() && r.file.ends_with("/" + r.id);
  // TRANSLATORS: {0} and {1} are a test vector's words: valid, invalid, acceptable.
  std::cout << paint(verdict, sgr) << "  " << r.file << (named_by_file ? "" : " #" + r.id) << "  "
            << trf("expected {0}, got {1}", r.expected, r.got);
  if (!r.flags.empty()) std::cout << "  [" << flags_text(r.flags) << "]";
  if (!r.note.empty() && r.verdict != Verdict::pass) std::cout << "  (" << tr(r.note.c_str()) << ")";
  std::cout << '\n';
}

nlohmann::json to_json(const Result& r) {
  return {{"file", r.file}, {"tcId", r.id},     {"expected", r.expected},
          {"got", r.got},   {"flags", r.flags}, {"verdict", to_string(r.verdict)},
          {"note", r.note}};
}

void print_json_line(const nlohmann::json& j) {
  std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

// Acceptable results, by flag (a test is counted under each of its flags),
// with what folio answered; test ids are listed for the smaller groups.
void print_acceptable(const std::vector<Result>& acceptable) {
  if (acceptable.empty()) return;
  constexpr std::size_t kListUpTo = 40;
  std::map<std::string, std::map<std::string, std::vector<std::string>>> by_flag;
  for (const auto& r : acceptable) {
    std::string name = r.file.substr(r.file.find_last_of('/') + 1) + " #" + r.id;
    // TRANSLATORS: in 'folio vectors run', the group of tests that have no flag.
    if (r.flags.empty()) by_flag[tr("(no flag)")][r.got].push_back(name);
    for (const auto& f : r.flags) by_flag[f][r.got].push_back(name);
  }
  std::cout << '\n' << tr("acceptable (the file allows either answer), by flag:") << '\n';
  for (const auto& [flag, answers] : by_flag) {
    for (const auto& [got, ids] : answers) {
      // TRANSLATORS: {0} is a Wycheproof flag, {1} a number of tests, {2} valid or invalid.
      std::cout << "  " << trf("{0}: {1} answered {2}", flag, ids.size(), got);
      if (got == "invalid" && flag == "ZeroSharedSecret") {
        std::cout << " " << tr("(libsodium refuses an all-zero X25519 shared secret)");
      }
      if (ids.size() <= kListUpTo) {
        std::cout << ":";
        for (const auto& id : ids) std::cout << ' ' << id;
      }
      std::cout << '\n';
    }
  }
}

}  // namespace

void add_vectors(CLI::App& app, Globals&, Action& run) {
  struct Opts {
    std::vector<std::string> paths;
    bool json = false, quiet = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd =
      app.add_subcommand("vectors", tr("run published test vectors through folio's crypto"));
  cmd->require_subcommand(1);
  CLI::App* run_cmd = cmd->add_subcommand(
      "run", tr("run Wycheproof .json files and folders of C2SP age or folio vectors"));
  run_cmd->add_option("paths", o->paths, tr("files and folders"))->required();
  run_cmd->add_flag("--json", o->json, tr("one JSON object per line, the summary last"));
  run_cmd->add_flag("-q,--quiet", o->quiet, tr("print only failures, then the groups and the summary"));
  run_cmd->callback([&run, o] {
    run = [o] {
      std::vector<std::filesystem::path> paths(o->paths.begin(), o->paths.end());
      std::vector<Result> acceptable, unsupported;
      std::vector<vectors::Refusal> refused;
      vectors::Callbacks report{[&](const Result& r) {
                                  if (r.verdict == Verdict::acceptable) acceptable.push_back(r);
                                  if (r.verdict == Verdict::unsupported) unsupported.push_back(r);
                                  if (o->json) {
                                    print_json_line(to_json(r));
                                  } else if (!o->quiet || r.verdict == Verdict::fail) {
                                    print_line(r);
                                  }
                                },
                                [&](const vectors::Refusal& r) {
                                  refused.push_back(r);
                                  if (o->json)
                                    print_json_line({{"file", r.file}, {"refused", r.reason}});
                                }};
      vectors::Summary s = vectors::run(paths, report);
      if (o->json) {
        print_json_line({{"summary",
                          {{"passed", s.passed},
                           {"failed", s.failed},
                           {"acceptable", s.acceptable},
                           {"unsupported", s.unsupported},
                           {"files", s.files},
                           {"refused", s.refused},
                           {"ok", s.ok()}}}});
        return s.ok() ? 0 : 1;
      }
      print_acceptable(acceptable);
      if (!unsupported.empty()) {
        std::cout << '\n' << tr("unsupported (not run, not passed):") << '\n';
        for (const auto& r : unsupported) std::cout << "  " << r.file << ": " << tr(r.note.c_str()) << '\n';
      }
      if (!refused.empty()) {
        std::cout << '\n' << tr("refused (not run, not counted):") << '\n';
        for (const auto& r : refused) std::cout << "  " << r.file << ": " << tr(r.reason.c_str()) << '\n';
      }
      std::cout << '\n'
                << trf("{0} passed, {1} failed, {2} acceptable, {3} unsupported; {4} files, {5} refused", s.passed,
                       s.failed, s.acceptable, s.unsupported, s.files, s.refused)
                << '\n';
      if (s.passed + s.failed + s.acceptable == 0) note(tr("no test ran"));
      return s.ok() ? 0 : 1;
    };
  });
}

}  // namespace folio::cli
