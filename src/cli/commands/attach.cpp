// folio attach: store a scanned document, encrypted, with a checklist item.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <vector>

#include "cli/common.h"

namespace folio::cli {
namespace {

// Overwrites the original with zeros, syncs, and unlinks it. On SSDs and
// copy-on-write file systems the old blocks may survive: the caller says so.
bool overwrite_and_remove(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  std::vector<char> zeros(1 << 16, 0);
  for (off_t left = ok ? st.st_size : 0; left > 0;) {
    ssize_t n = ::write(fd, zeros.data(), static_cast<std::size_t>(std::min<off_t>(left, 1 << 16)));
    if (n <= 0) {
      ok = false;
      break;
    }
    left -= n;
  }
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  return ::unlink(path.c_str()) == 0 && ok;
}

}  // namespace

void add_attach(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::string item, file;
    bool remove_original = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("attach", "store a file (a scan, a PDF) encrypted with an item");
  cmd->add_option("item", o->item, "item id or CHECKLIST:N")->required();
  cmd->add_option("file", o->file, "the file to attach")->required();
  cmd->add_flag("--remove-original", o->remove_original,
                "then overwrite and delete the original (see the caveat it prints)");
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      check_item_ref(o->item);
      check_file_to_attach(o->file);
      Vault vault = open_vault(g, Access::write);
      Checklists lists = vault.checklists();
      Attachment a = lists.attach(o->item, o->file, progress_bar("attaching"));
      Item it = lists.get_item(a.item_id);
      std::cout << a.id << '\n';
      std::string given = std::filesystem::path(o->file).filename().string();
      if (a.name != given) {
        note("stored its name as \"" + a.name + "\": a stored name is a plain file name, " +
             "without control, invisible or direction-changing characters");
      }
      note("attached " + a.name + " (" + size_text(a.size) + ", " + a.media_type + ") to " +
           it.checklist_name + ":" + std::to_string(it.number));
      if (!o->remove_original) {
        note("the original is still on disk, unencrypted: " + o->file);
        note("remove it with --remove-original next time, or delete it yourself");
      } else if (overwrite_and_remove(o->file)) {
        note("overwrote and removed " + o->file + ". On SSDs, copy-on-write file systems, snapshots and "
             "backups, copies of the old data may survive; see docs/THREAT_MODEL.md");
      } else {
        note("warning: could not fully overwrite and remove " + o->file + "; delete it yourself");
        return 8;
      }
      return 0;
    };
  });
}

}  // namespace folio::cli
