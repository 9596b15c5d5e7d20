#include "folio/session.h"

#include <cstring>

#include "folio/error.h"
#include "folio/i18n.h"
#include "vault/agent_access.h"

namespace folio {

Session Session::of(const Vault& vault) {
  const Secret& key = vault_key_of(vault);
  Session s;
  if (key.empty()) return s;
  s.dir_ = vault.path();
  s.vault_key_ = Secret(key.size());
  std::memcpy(s.vault_key_.data(), key.data(), key.size());
  return s;
}

Vault Session::open(Access access) const {
  if (vault_key_.empty()) throw Error(Errc::refused, tr("the session is locked"), tr("unlock the vault again"));
  auto keys = [this]() -> std::optional<std::vector<Secret>> {
    std::vector<Secret> found = current_data_keys(dir_, vault_key_);
    if (found.empty()) {
      // Nothing this process can do about it: the keyslots were replaced
      // by something that kept neither this vault key nor its data keys.
      throw Error(Errc::wrong_passphrase, tr("the vault's keys changed since it was unlocked here"),
                  tr("unlock it again with the passphrase"));
    }
    return found;
  };
  return std::move(*Vault::open_with_data_keys(dir_, keys, access));
}

void Session::forget() noexcept {
  vault_key_ = Secret();
  dir_.clear();
}

}  // namespace folio
