// folio rm: delete entries, checklists, items or attachments, after
// confirmation; --shred also re-keys the vault.
#include <iostream>

#include "cli/common.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/terminal.h"

namespace folio::cli {

void add_rm(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::vector<std::string> ids;
    bool yes = false, shred = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "rm",
      tr("delete records by id: entries, checklists, items, attachments. Their content, tags, links, "
         "attachment data and search terms are removed and zeroed inside the encrypted database. "
         "Older encrypted copies of the file (SSD, snapshots, backups) stay readable with the "
         "current key; --shred also re-keys the vault so that they are not"));
  cmd->add_option("id", o->ids, tr("record ids (or unique prefixes of 4+ characters)"))->required();
  cmd->add_flag("-y,--yes", o->yes, tr("do not ask for confirmation"));
  cmd->add_flag("--shred", o->shred,
                tr("then re-encrypt the vault under a new data key and destroy the old one (see 'rekey')"));
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      // Re-keying needs the passphrase, and the folder alone from the first
      // read to the new key (docs/THREAT_MODEL.md, "Two folio commands at once").
      for (const auto& id : o->ids) Vault::check_record_id(id);
      Vault vault = open_vault(g, o->shred ? Access::exclusive : Access::write, /*use_agent=*/!o->shred);
      // Every id is resolved before anything is deleted.
      struct Doomed {
        std::string id;
        RecordKind kind;
        std::string title;
      };
      std::vector<Doomed> records;
      std::vector<std::string> names;
      for (const auto& id : o->ids) {
        RecordKind kind = vault.record_kind(id);
        std::string full, name;
        switch (kind) {
          case RecordKind::entry: {
            Entry e = vault.journal().get(id);
            full = e.id;
            name = e.title.value_or("");
            break;
          }
          case RecordKind::checklist: {
            Checklist c = vault.checklists().get(id);
            full = c.id;
            name = c.name;
            break;
          }
          case RecordKind::item: {
            Item it = vault.checklists().get_item(id);
            full = it.id;
            name = it.title;
            break;
          }
          case RecordKind::attachment: {
            Attachment a = vault.checklists().get_attachment(id);
            full = a.id;
            name = a.name;
            break;
          }
        }
        records.push_back({full, kind, name});
        std::string shown = record_text(kind_word(kind), full, name);
        if (kind == RecordKind::checklist) {
          // TRANSLATORS: {0} is a checklist ("checklist 3k9x4m2p \"Visa\""), {1} a number.
          shown = trf("{0} with its {1} items", shown, vault.checklists().get(full).items);
        }
        names.push_back(shown);
      }
      // Only once every id is known: a wrong id is reported as such, not as
      // a missing confirmation.
      if (!o->yes && !have_terminal()) {
        throw Error(Errc::refused, tr("not deleting without confirmation"), tr("add --yes to delete from a script"));
      }
      if (!o->yes) {
        // TRANSLATORS: {0} is at least 2.
        std::string what = names.size() == 1 ? names[0] : trf("{0} records", names.size());
        // TRANSLATORS: a yes/no question; {0} is a record or "3 records".
        if (!ask_yes_no(trf("Delete {0}?", terminal_safe(what)))) throw Error(Errc::cancelled, tr("nothing was deleted"));
      }
      for (const auto& [id, kind, title] : records) {
        switch (kind) {
          case RecordKind::entry: vault.journal().remove(id); break;
          case RecordKind::checklist: vault.checklists().remove(id); break;
          case RecordKind::item: vault.checklists().remove_item(id); break;
          case RecordKind::attachment: vault.checklists().remove_attachment(id); break;
        }
        std::cout << trf("deleted {0}", terminal_safe(record_text(kind_word(kind), id, title))) << '\n';
      }
      if (o->shred) {
        try {
          vault.rekey();
        } catch (const Error& e) {
          // The deletion stands; the user must learn that the old key did not go.
          throw Error(e.code(), trf("deleted, but the vault was not re-keyed: {0}", e.what()),
                      tr("older copies of the vault file still open with the current key; "
                         "once the cause is fixed, run 'folio rekey'"));
        }
        note(tr("re-keyed the vault: older copies of its file no longer open with this header"));
      }
      return 0;
    };
  });
}

}  // namespace folio::cli
