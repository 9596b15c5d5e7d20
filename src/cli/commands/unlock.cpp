// folio unlock: start a session agent, so later commands skip the passphrase.
// Also the hidden `folio agent-serve`, the agent itself.
#include <fcntl.h>
#include <unistd.h>

#include <climits>
#include <iostream>

#include "cli/common.h"
#include "folio/agent.h"
#include "folio/error.h"

namespace folio::cli {

namespace {

// "90s", "10m", "2h", or a bare number of seconds.
std::chrono::seconds parse_duration(const std::string& text, const char* option) {
  std::size_t used = 0;
  long long value = -1;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
  }
  std::string unit = text.substr(used);
  long long scale = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
  if (value < 1 || scale == 0 || value > 24 * 3600) {
    throw Error(Errc::invalid_argument, std::string("not a duration for ") + option + ": '" + text + "'",
                "write it like 90s, 10m or 2h (at most 24h)");
  }
  return std::chrono::seconds(value * scale);
}

std::string this_executable() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw Error(Errc::internal, "cannot find the folio binary to start the agent");
  return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace

void add_unlock(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::string timeout = "10m";
    std::string max_lifetime = "2h";
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "unlock",
      "ask for the passphrase once and keep the vault unlocked for this user's later commands "
      "(a background agent holds the key in locked memory) until 'folio lock', the idle timeout "
      "or the maximum lifetime");
  cmd->add_option("--timeout", o->timeout, "lock after this long without use (e.g. 90s, 10m, 2h)")
      ->capture_default_str();
  cmd->add_option("--max-lifetime", o->max_lifetime, "lock after this long whatever happens (at most 24h)")
      ->capture_default_str();
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      agent::Options options;
      options.idle = parse_duration(o->timeout, "--timeout");
      options.max_lifetime = parse_duration(o->max_lifetime, "--max-lifetime");
      if (options.idle > options.max_lifetime) {
        throw Error(Errc::invalid_argument, "--timeout is longer than --max-lifetime");
      }
      auto dir = vault_path(g);
      if (agent::status(dir)) {
        throw Error(Errc::already_exists, "the vault is already unlocked",
                    "see 'folio status'; 'folio lock' ends the agent");
      }
      Vault vault = open_vault(g, Access::read, /*use_agent=*/false);
      agent::start(vault, options, this_executable());
      note("unlocked " + std::filesystem::absolute(vault.path()).string() + " until " + describe_duration(options.idle) +
           " without use (at most " + describe_duration(options.max_lifetime) + "); 'folio lock' locks it now");
      return 0;
    };
  });

  // The agent process itself, started by unlock with its socket on fd 3 and
  // its settings on fd 4. Not for people: hidden from help.
  CLI::App* serve = app.add_subcommand("agent-serve", "");
  serve->group("");
  serve->callback([&run] {
    run = [] {
      if (::isatty(4) || ::fcntl(3, F_GETFD) < 0 || ::fcntl(4, F_GETFD) < 0) {
        throw Error(Errc::invalid_argument, "agent-serve is started by 'folio unlock', not by hand");
      }
      return agent::serve(3, 4);
    };
  });
}

}  // namespace folio::cli
