// folio extract: write an attachment back out, verified against its hash.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/backup_io.h"
#include "cli/common.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/text.h"

namespace folio::cli {

void add_extract(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::string id, output;
    bool force = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("extract", tr("write an attachment to a file (0600) or to stdout"));
  cmd->add_option("attachment", o->id, tr("attachment id"))->required();
  cmd->add_option("-o,--output", o->output, tr("output path, or - for standard output (default: its original name)"));
  cmd->add_flag("--force", o->force, tr("overwrite an existing output file"));
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      check_attachment_ref(o->id);
      Vault vault = open_vault(g, Access::read);
      Checklists lists = vault.checklists();
      Attachment a = lists.get_attachment(o->id);
      if (o->output == "-") {
        lists.extract(a.id, STDOUT_FILENO);
        return 0;
      }
      // The stored name may come from a backup someone else made: without -o
      // it is only ever a plain name in the current folder (or in the folder
      // -o names), never "../x" or "/etc/x". A path given with -o is the
      // user's own and is used as given.
      std::string plain = safe_file_name(a.name);
      std::string out = o->output.empty() ? plain : o->output;
      if (std::filesystem::is_directory(out)) out = (std::filesystem::path(out) / plain).string();
      if (!o->force && std::filesystem::exists(out)) {
        throw Error(Errc::already_exists, trf("{0} already exists; nothing was written", out),
                    tr("choose another path with -o, or add --force to overwrite it"));
      }
      // Written beside the target, then renamed: no half-written file under
      // the final name, and the bytes are verified before it appears.
      // A killed extract's temporary file (plaintext) is removed by the next
      // extract to the same file.
      std::string name;
      int fd = create_temp_beside(out, name);  // 0600
      try {
        lists.extract(a.id, fd, progress_bar(tr("extracting")));
        if (::fsync(fd) != 0) throw Error(Errc::io, trf("cannot write {0}: {1}", out, std::strerror(errno)));
        ::close(fd);
        fd = -1;
        if (o->force) {
          if (::rename(name.c_str(), out.c_str()) != 0) throw Error(Errc::io, trf("cannot write {0}: {1}", out, std::strerror(errno)));
        } else {
          // link() refuses to replace a file that appeared meanwhile.
          if (::link(name.c_str(), out.c_str()) != 0) {
            int err = errno;
            throw Error(err == EEXIST ? Errc::already_exists : Errc::io,
                        trf("cannot write {0}: {1}", out, std::strerror(err)));
          }
          ::unlink(name.c_str());
        }
      } catch (...) {
        if (fd >= 0) ::close(fd);
        ::unlink(name.c_str());
        throw;
      }
      std::cout << terminal_safe(out) << '\n';
      return 0;
    };
  });
}

}  // namespace folio::cli
