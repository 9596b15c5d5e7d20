// folio passwd: a new passphrase; only the keyslot is rewritten. With
// --recovery-kdf: the recovery code's keyslot at a new cost, the code kept.
#include "cli/common.h"
#include "folio/error.h"
#include "folio/i18n.h"

namespace folio::cli {

namespace {

struct PasswdOpts {
  KdfOptions kdf;
  bool allow_weak = false;
  std::optional<int> new_fd;
  std::string new_file;
  bool recovery_kdf = false;
  std::optional<int> code_fd;
  std::string code_file;
};

// The recovery code is not stored anywhere: its slot can only be sealed
// again with the code itself, typed once. With --recovery it is the secret
// that opens the vault (so it is known to open the slot); else the vault is
// opened with the passphrase and the code asked for after it.
int raise_recovery_kdf(const Globals& g, const PasswdOpts& o) {
  if (g.recovery && (o.code_fd || !o.code_file.empty())) {
    throw Error(Errc::invalid_argument,
                tr("with --recovery, the recovery code is the secret that opens the vault: it is read once, "
                   "from --passphrase-fd or --passphrase-file"),
                tr("leave out --recovery-code-fd and --recovery-code-file, or --recovery"));
  }
  require_open_fd(o.code_fd, "--recovery-code-fd");
  Secret code;
  std::optional<Vault> vault;
  if (g.recovery) {
    code = read_given_secret(g.passphrase_fd, g.passphrase_file, tr("Recovery code: "));
    vault.emplace(Vault::open(vault_path(g), code, SecretKind::recovery_code, Access::exclusive));
  } else {
    vault.emplace(open_vault(g, Access::exclusive, /*use_agent=*/false));
    code = read_given_secret(o.code_fd, o.code_file, tr("Recovery code: "), "--recovery-code-fd");
  }
  KdfParams kdf = o.kdf.resolve(std::nullopt);
  vault->change_recovery_kdf(code, kdf);
  // TRANSLATORS: {0} is the Argon2id memory in KiB, {1} its number of passes.
  note(trf("the recovery code's keyslot now costs Argon2id {0} KiB, {1} passes; the code is unchanged",
           kdf.memory >> 10, kdf.ops));
  return 0;
}

int change_passphrase(const Globals& g, const PasswdOpts& o) {
  if (o.code_fd || !o.code_file.empty()) {
    throw Error(Errc::invalid_argument, tr("--recovery-code-fd and --recovery-code-file go with --recovery-kdf"),
                tr("add --recovery-kdf to raise the recovery code's key-derivation cost"));
  }
  // Exclusive from the header's first read to the new one's rename: a
  // rekey or another passwd in between would write a header made from
  // an older one, and one of the two changes would be lost. (So the
  // lock is held while a new passphrase is typed, too.)
  Vault vault = open_vault(g, Access::exclusive, /*use_agent=*/false);
  // No KDF option: the current cost, unless it is below the floor and
  // --allow-weak-kdf does not ask to keep it; then one calibrated as init
  // does. (A weak cost given explicitly still needs --allow-weak-kdf.)
  std::optional<KdfParams> keep = vault.kdf();
  const bool no_cost_given = o.kdf.memory.empty() && !o.kdf.ops;
  const bool recalibrate = no_cost_given && is_below_floor(vault.kdf()) && !o.kdf.allow_weak;
  if (recalibrate) keep = std::nullopt;
  KdfParams kdf = o.kdf.resolve(keep);
  if (recalibrate) {
    // TRANSLATORS: {0}, {2} are Argon2id memory in KiB, {1}, {3} numbers of passes.
    note(trf("the current key-derivation cost (Argon2id {0} KiB, {1} passes) is below the recommended floor; "
             "the new passphrase gets one calibrated on this machine: {2} KiB, {3} passes",
             vault.kdf().memory >> 10, vault.kdf().ops, kdf.memory >> 10, kdf.ops));
  }
  Secret pass = new_passphrase(o.new_fd, o.new_file, o.allow_weak, "--new-passphrase-fd");
  vault.change_passphrase(pass, kdf);
  note(tr("passphrase changed"));
  std::optional<KdfParams> recovery = vault.recovery_kdf();
  if (recovery && is_below_floor(*recovery) && !is_below_floor(kdf)) {
    // TRANSLATORS: {0} is Argon2id memory in KiB, {1} a number of passes, {2} a command.
    note(trf("the recovery code's keyslot still costs only Argon2id {0} KiB, {1} passes: raise it with "
             "'{2} passwd --recovery-kdf' (it asks for the code, which stays the same)",
             recovery->memory >> 10, recovery->ops, folio_command(g)));
  }
  return 0;
}

}  // namespace

void add_passwd(CLI::App& app, Globals& g, Action& run) {
  auto o = std::make_shared<PasswdOpts>();
  CLI::App* cmd = app.add_subcommand(
      "passwd", tr("change the passphrase (with --recovery: set a new one using the recovery code)"));
  o->kdf.add_to(*cmd);
  CLI::Option* allow_weak = cmd->add_flag("--allow-weak", o->allow_weak, tr("accept a weak passphrase"));
  CLI::Option* new_fd =
      cmd->add_option("--new-passphrase-fd", o->new_fd, tr("read the new passphrase from this file descriptor"));
  CLI::Option* new_file =
      cmd->add_option("--new-passphrase-file", o->new_file, tr("read the new passphrase from this file"))
          ->excludes(new_fd);
  cmd->add_flag("--recovery-kdf", o->recovery_kdf,
                tr("instead: give the recovery code's keyslot a new key-derivation cost (calibrated unless "
                   "--kdf-memory/--kdf-ops); the code stays the same"))
      ->excludes(new_fd)
      ->excludes(new_file)
      ->excludes(allow_weak);
  CLI::Option* code_fd = cmd->add_option("--recovery-code-fd", o->code_fd,
                                         tr("with --recovery-kdf: read the recovery code from this file descriptor"));
  cmd->add_option("--recovery-code-file", o->code_file, tr("with --recovery-kdf: read the recovery code from this file"))
      ->excludes(code_fd);
  cmd->callback([&g, &run, o] {
    run = [&g, o] { return o->recovery_kdf ? raise_recovery_kdf(g, *o) : change_passphrase(g, *o); };
  });
}

}  // namespace folio::cli
