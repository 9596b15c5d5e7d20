// folio import: merge a backup into the open vault, in one transaction;
// with --from, add the entries of another tool's journal (folio/foreign.h).

#include "cli/backup_io.h"
#include "cli/common.h"
#include "folio/error.h"
#include "folio/foreign.h"
#include "folio/i18n.h"
#include "folio/journal.h"
#include "folio/text.h"

namespace folio::cli {
namespace {

std::string entries_text(std::size_t n) { return trn("{0} entry", "{0} entries", n); }

// import --from: parse first (a bad file is refused before any prompt),
// then add everything in one transaction.
int import_foreign(Globals& g, const std::string& from, const std::string& path, bool dry_run,
                   bool json) {
  ForeignFormat format = parse_foreign_format(from);
  std::vector<std::string> skipped;
  std::vector<EntryDraft> drafts = read_foreign(format, path, &skipped);
  Vault vault = open_vault(g, Access::write);
  InterruptGuard interrupts;
  BatchAddResult r = vault.journal().add_all(drafts, dry_run);
  if (json) {
    print_json({{"dry_run", dry_run},
                {"from", from},
                {"in_file", {{"entries", drafts.size()}}},
                {"added", {{"entries", r.added}}},
                {"unchanged", {{"entries", r.duplicates}}},
                {"skipped_files", skipped}});
    return 0;
  }
  const std::string count = entries_text(drafts.size());
  // TRANSLATORS: {0} is the format (jrnl, jrnl-json, markdown), {1} the path, {2} "3 entries".
  std::cout << (format == ForeignFormat::markdown ? trf("{0} folder '{1}': {2}", from, terminal_safe(path), count)
                                                  : trf("{0} file '{1}': {2}", from, terminal_safe(path), count))
            << '\n';
  std::cout << (dry_run ? trf("would add: {0}", entries_text(r.added)) : trf("added: {0}", entries_text(r.added)))
            << '\n';
  std::cout << trf("unchanged: {0} (already in the vault)", entries_text(r.duplicates)) << '\n';
  if (!skipped.empty()) {
    std::cout << trf("skipped (symbolic links, not regular files): {0}", skipped.size()) << '\n';
    for (const auto& name : skipped) std::cout << "  " << terminal_safe(name) << '\n';
  }
  if (dry_run) std::cout << tr("dry run: nothing was written") << '\n';
  return 0;
}

}  // namespace

void add_import(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::string input;
    std::vector<std::string> identity_files;
    BackupPassphraseOptions passphrase;
    bool dry_run = false;
    bool plaintext = false;
    bool json = false;
    std::string from;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd =
      app.add_subcommand("import", tr("merge a backup into the vault (nothing is overwritten)"));
  cmd->add_option("file", o->input, tr("backup file, or - for standard input"))->required();
  cmd->add_option("-i,--identity", o->identity_files, tr("age identity file (AGE-SECRET-KEY-1...); repeatable"))
      ->allow_extra_args(false);
  o->passphrase.add_to(*cmd);
  cmd->add_flag("--dry-run", o->dry_run, tr("report what would change and write nothing"));
  cmd->add_flag("--plaintext", o->plaintext,
                tr("the file is an unencrypted payload (export --plaintext --format json)"));
  cmd->add_flag("--json", o->json, tr("print the report as JSON"));
  cmd->add_option("--from", o->from,
                  tr("FILE is another tool's journal: jrnl (txt), jrnl-json, or markdown (a folder)"));
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      if (!o->from.empty()) {
        if (!o->identity_files.empty() || o->passphrase.given() || o->plaintext) {
          throw Error(Errc::invalid_argument,
                      tr("--from takes no identity, backup passphrase or --plaintext"));
        }
        if (o->input == "-") {
          throw Error(Errc::invalid_argument, tr("--from reads a file or folder, not standard input"));
        }
        return import_foreign(g, o->from, o->input, o->dry_run, o->json);
      }
      if (!o->identity_files.empty() && o->passphrase.given()) {
        throw Error(Errc::invalid_argument, tr("give identity files or a backup passphrase, not both"));
      }
      if (o->plaintext && (!o->identity_files.empty() || o->passphrase.given())) {
        throw Error(Errc::invalid_argument, tr("--plaintext takes no identity or passphrase"));
      }
      BackupInput input(o->input);
      const int fd = input.fd();
      FdSource file(fd);
      ProgressSource in(file, input_size(fd), progress_bar(o->dry_run ? tr("checking") : tr("importing")));
      ImportOptions options;
      options.dry_run = o->dry_run;
      ImportReport report;
      if (o->plaintext) {
        Vault vault = open_vault(g, Access::write);
        InterruptGuard interrupts;
        report = vault.backup().read_payload(in, options);
      } else {
        Secret identities;
        BackupKeys keys;
        if (!o->identity_files.empty()) {
          for (const auto& f : o->identity_files) {
            Secret one = read_key_file(f);
            Secret joined(identities.size() + one.size() + 1);
            std::copy(identities.data(), identities.data() + identities.size(), joined.data());
            std::copy(one.data(), one.data() + one.size(), joined.data() + identities.size());
            joined.data()[joined.size() - 1] = '\n';
            identities = std::move(joined);
          }
          keys.identities = &identities;
        } else {
          // Asked for only if the backup has a passphrase stanza (age -d's rule).
          keys.ask_passphrase = [o] { return o->passphrase.read(); };
        }
        // The backup's header and keys first, then the vault's passphrase:
        // a backup for other keys is refused before any prompt.
        OpenedBackup backup(in, keys);
        Vault vault = open_vault(g, Access::write);
        InterruptGuard interrupts;  // after the prompts, which handle Ctrl-C themselves
        report = vault.backup().import_from(backup, options);
      }
      print_import_report(report, o->json);
      return 0;
    };
  });
}

}  // namespace folio::cli
