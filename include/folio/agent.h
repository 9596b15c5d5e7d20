// folio/agent.h: unlock once. A session agent is a background process of the
// folio binary that holds a vault's key in locked memory and hands the
// current data key to folio commands of the same user, so they skip the
// passphrase and the KDF.
//
// One agent per vault, listening on a Unix socket in a private (0700) folder
// under $XDG_RUNTIME_DIR (else /tmp/folio-<uid>). The agent checks each
// client's uid with SO_PEERCRED; clients check that the folder and the socket
// are theirs and that the agent runs as them. The agent ends on `lock`, after
// the idle timeout, at its maximum lifetime, on SIGTERM/SIGINT/SIGHUP, and as
// soon as the vault's header no longer yields a key (panic, destroy).
// See docs/THREAT_MODEL.md, "The session agent".
//
//   folio::agent::start(vault, {.idle = 10min}, "/proc/self/exe");
//   if (auto keys = folio::agent::data_keys(dir))
//     vault = folio::Vault::open_with_data_keys(dir, std::move(*keys));
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "folio/secret.h"
#include "folio/vault.h"

namespace folio::agent {

struct Options {
  std::chrono::seconds idle{600};           // locks after this long without a request
  std::chrono::seconds max_lifetime{7200};  // locks after this long whatever happens
};

struct Status {
  long pid = 0;
  std::chrono::seconds unlocked_for{0};
  std::chrono::seconds idle_left{0};
  std::chrono::seconds lifetime_left{0};
};

// Bounds on the options: 1 second to 24 hours, idle <= max_lifetime.
inline constexpr std::chrono::seconds kMaxLifetime{24 * 3600};

// The socket of the agent for the vault at `vault_dir`.
std::filesystem::path socket_path(const std::filesystem::path& vault_dir);

// Starts an agent for the open `vault` by running `executable` (this folio
// binary) as `folio agent-serve`, and returns once it listens. The vault
// must have been opened with a secret, not through an agent.
// Error(already_exists) when an agent serves this vault already;
// Error(refused) when the socket folder is not private; Error(io).
void start(const Vault& vault, const Options& options, const std::string& executable);

// The body of `folio agent-serve`: reads its settings and the vault key from
// `config_fd`, serves on `listen_fd` until one of the ends above, then
// removes its socket. Never returns an error to anyone: it just ends.
int serve(int listen_fd, int config_fd);

// Client side. Each returns nullopt / false when no agent serves the vault
// (none running, or a stale socket of a dead agent, which is removed).
// Error(refused) when the socket or its folder is not this user's alone: it
// is then not used.
std::optional<std::vector<Secret>> data_keys(const std::filesystem::path& vault_dir);
std::optional<Status> status(const std::filesystem::path& vault_dir);
bool lock(const std::filesystem::path& vault_dir);

// Sends `lock` to the vault's agent without waiting for anything: not for
// the connection to be accepted, not for a reply. For panic and destroy,
// once the keys are gone: the agent ends then anyway, within a second,
// when the header stops yielding a key. Never throws.
void tell_to_stop(const std::filesystem::path& vault_dir) noexcept;

}  // namespace folio::agent
