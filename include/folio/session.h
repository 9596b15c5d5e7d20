// folio/session.h: unlock once inside one process, for `folio shell`. A
// Session keeps the vault key of a vault that was opened with its passphrase
// (or recovery code), in sodium_malloc memory as the session agent does, and
// opens that vault again from it for each command. Each open reads the
// header afresh under the vault's lock, so a rekey between two opens (by
// this process or another) is followed, and the lock is held only while a
// command runs.
//
//   folio::Vault first = folio::Vault::open(dir, passphrase);
//   folio::Session session = folio::Session::of(first);
//   ... later, once per command:
//   folio::Vault vault = session.open(folio::Access::read);
//   ... at the end:
//   session.forget();
#pragma once

#include <filesystem>

#include "folio/secret.h"
#include "folio/vault.h"

namespace folio {

class Session {
 public:
  Session() = default;

  // The key of `vault`, copied. An empty Session when `vault` was opened
  // with data keys (through the agent, or another Session): it has no vault
  // key to keep.
  static Session of(const Vault& vault);

  // Opens the vault for `access` with the data keys the header yields for
  // the kept key now. Error(not_found) when the vault is gone (panic,
  // destroy); Error(wrong_passphrase) when its header no longer yields a key
  // for this one; Error(refused) when nothing is kept (empty() or after
  // forget()); otherwise the errors of Vault::open_with_data_keys.
  Vault open(Access access) const;

  // Wipes the kept key; empty() from then on.
  void forget() noexcept;
  bool empty() const noexcept { return vault_key_.empty(); }
  const std::filesystem::path& path() const noexcept { return dir_; }

 private:
  std::filesystem::path dir_;
  Secret vault_key_;
};

}  // namespace folio
