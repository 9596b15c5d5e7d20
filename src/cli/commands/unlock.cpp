// folio unlock: start a session agent, so later commands skip the passphrase.
// Also the hidden `folio agent-serve`, the agent itself.
#include <fcntl.h>
#include <unistd.h>

#include <climits>
#include <iostream>

#include "cli/common.h"
#include "folio/i18n.h"
#include "folio/agent.h"
#include "folio/dates.h"
#include "folio/error.h"

namespace folio::cli {

std::chrono::seconds agent_span(const std::string& text, const char* option) {
  std::chrono::seconds s = parse_clock_span(text, option);
  if (s > agent::kMaxLifetime) {
    throw Error(Errc::invalid_argument,
                // TRANSLATORS: {0} is --timeout or --max-lifetime, {1} what was given.
                trf("invalid {0} '{1}': at most 24h: a longer unlock leaves the vault's keys in memory for longer",
                    option, text),
                tr("use 24h (or 1d) or less, and 'folio unlock' again when it locks"));
  }
  return s;
}

namespace {

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
    std::optional<std::string> max_lifetime;  // default: 2h, or --timeout when longer
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "unlock",
      tr("ask for the passphrase once and keep the vault unlocked for this user's later commands "
         "(a background agent holds the key in locked memory) until 'folio lock', the idle timeout "
         "or the maximum lifetime"));
  cmd->add_option("--timeout", o->timeout, tr("lock after this long without use (e.g. 90s, 10m, 2h, 1d; at most 24h)"))
      ->capture_default_str();
  cmd->add_option("--max-lifetime", o->max_lifetime,
                  tr("lock after this long whatever happens (default 2h, or --timeout when longer; at most 24h)"));
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      agent::Options options;
      options.idle = agent_span(o->timeout, "--timeout");
      if (o->max_lifetime) {
        options.max_lifetime = agent_span(*o->max_lifetime, "--max-lifetime");
      } else {
        options.max_lifetime = std::max(options.max_lifetime, options.idle);
      }
      if (options.idle > options.max_lifetime) {
        throw Error(Errc::invalid_argument,
                    trf("--timeout {0} is longer than --max-lifetime {1}", o->timeout, *o->max_lifetime),
                    tr("give a --max-lifetime at least as long as --timeout"));
      }
      auto dir = vault_path(g);
      if (agent::status(dir)) {
        throw Error(Errc::already_exists, tr("the vault is already unlocked"),
                    tr("see 'folio status'; 'folio lock' ends the agent"));
      }
      Vault vault = open_vault(g, Access::read, /*use_agent=*/false);
      agent::start(vault, options, this_executable());
      // TRANSLATORS: {0} is the vault's folder, {1} and {2} durations ("10m", "2h").
      note(trf("unlocked {0} until {1} without use (at most {2}); 'folio lock' locks it now",
               std::filesystem::absolute(vault.path()), describe_duration(options.idle),
               describe_duration(options.max_lifetime)));
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
        throw Error(Errc::invalid_argument, tr("agent-serve is started by 'folio unlock', not by hand"));
      }
      return agent::serve(3, 4);
    };
  });
}

}  // namespace folio::cli
