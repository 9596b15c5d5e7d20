// folio export: the whole vault as an age-encrypted backup, or (only with
// --plaintext) as unencrypted JSON Lines or Markdown.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <optional>

#include "cli/backup_io.h"
#include "cli/common.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/secret.h"
#include "folio/text.h"

namespace folio::cli {
namespace {

struct ExportOpts {
  std::string output;
  std::vector<std::string> recipients;
  std::vector<std::string> recipient_files;
  BackupPassphraseOptions passphrase;
  bool allow_weak = false;
  unsigned work_factor = 18;
  bool armor = false;
  bool force = false;
  bool plaintext = false;
  std::string format;
  std::string folder;
};

// age recipients files: one recipient a line, '#' comments and blank lines.
void read_recipients_file(const std::string& path, std::vector<std::string>& out) {
  std::ifstream in(path);
  if (!in) throw Error(Errc::not_found, trf("cannot read the recipients file {0}", path));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    auto end = line.find_last_not_of(" \t");
    out.push_back(line.substr(start, end - start + 1));
  }
}

// A plaintext export printed on a terminal, made safe line by line: the
// Markdown with terminal_safe (line breaks and tabs kept), the JSON Lines
// with json_terminal_safe (the same JSON). Only whole lines are passed on, so
// no character is cut and a joiner sees both of its neighbours.
class TerminalSink : public ByteSink {
 public:
  TerminalSink(ByteSink& out, bool json) : out_(out), json_(json) {}
  ~TerminalSink() override { wipe(pending_.data(), pending_.size()); }
  void write(std::span<const std::uint8_t> bytes) override {
    pending_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    auto last = pending_.rfind('\n');
    if (last == std::string::npos) return;
    pass(std::string_view(pending_).substr(0, last + 1));
    std::string rest = pending_.substr(last + 1);
    wipe(pending_.data(), pending_.size());
    pending_ = std::move(rest);
  }
  void finish() {
    if (!pending_.empty()) pass(pending_);
    wipe(pending_.data(), pending_.size());
    pending_.clear();
  }

 private:
  void pass(std::string_view text) {
    std::string safe = json_ ? json_terminal_safe(text) : terminal_safe(text, true);
    out_.write({reinterpret_cast<const std::uint8_t*>(safe.data()), safe.size()});
    wipe(safe.data(), safe.size());
  }

  ByteSink& out_;
  bool json_;
  std::string pending_;
};

void warn_plaintext() {
  note(tr("warning: this export is NOT encrypted; anyone who sees it can read everything in the vault"));
}

int export_plaintext(const Globals& g, const ExportOpts& o) {
  if (!o.recipients.empty() || !o.recipient_files.empty() || o.passphrase.given() || o.armor) {
    throw Error(Errc::invalid_argument, tr("--plaintext takes no recipients, passphrase or --armor"));
  }
  std::string format = o.format.empty() ? "json" : o.format;
  if (format != "json" && format != "markdown") {
    throw Error(Errc::invalid_argument, trf("unknown --format '{0}'", format), tr("give json or markdown"));
  }
  if (!o.output.empty() && o.output != "-") {
    throw Error(Errc::invalid_argument, tr("a plaintext export goes to standard output or to a folder"),
                tr("use -o FOLDER to write files"));
  }
  Vault vault = open_vault(g, Access::read);
  Backup backup = vault.backup();
  if (o.folder.empty()) {
    FdSink fd_out(STDOUT_FILENO);
    std::optional<TerminalSink> shown;
    if (stdout_is_terminal()) {
      warn_plaintext();
      shown.emplace(fd_out, format == "json");
    }
    ByteSink& out = shown ? static_cast<ByteSink&>(*shown) : fd_out;
    if (format == "json") {
      backup.write_payload(out);
    } else {
      backup.write_markdown(out);
    }
    if (shown) shown->finish();
    return 0;
  }
  warn_plaintext();
  std::filesystem::path dir(o.folder);
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec) && !o.force) {
    throw Error(Errc::already_exists, trf("{0} is not empty; nothing was written", o.folder),
                tr("choose an empty or new folder, or add --force to write into it"));
  }
  bool made_dir = ::mkdir(dir.c_str(), 0700) == 0;
  if (!made_dir && errno != EEXIST) {
    throw Error(Errc::io, trf("cannot create {0}: {1}", o.folder, std::strerror(errno)));
  }
  std::filesystem::path file = dir / (format == "json" ? "folio-backup.jsonl" : "folio.md");
  std::filesystem::path attachments = dir / "attachments";
  bool made_attachments = !std::filesystem::exists(attachments, ec);
  // Temporary files of a killed export into this folder (plaintext).
  if (!made_attachments) remove_stale_temps(attachments);
  try {
    OutputFile out_file(file, o.force);
    InterruptGuard interrupts;
    FdSink fd_out(out_file.fd());
    InterruptibleSink out(fd_out);
    if (format == "json") {
      backup.write_payload(out);
    } else {
      backup.write_markdown(out, attachments, o.force);
    }
    if (InterruptGuard::interrupted()) out.write({});
    out_file.commit();
  } catch (...) {
    // No half export: the extracted attachments go too, and the folder if
    // this run made it (rmdir: only when nothing else is in it).
    if (made_attachments) std::filesystem::remove_all(attachments, ec);
    if (made_dir) ::rmdir(dir.c_str());
    throw;
  }
  std::cout << file.string() << '\n';
  return 0;
}

int export_encrypted(const Globals& g, const ExportOpts& o) {
  if (o.output.empty())
    throw Error(Errc::invalid_argument, tr("give the backup file to write, or - for standard output"));
  if (!o.format.empty()) throw Error(Errc::invalid_argument, tr("--format needs --plaintext"));
  if (!o.folder.empty())
    throw Error(Errc::invalid_argument, tr("-o FOLDER is for --plaintext exports"));
  BackupRecipients to;
  to.recipients = o.recipients;
  for (const auto& f : o.recipient_files) read_recipients_file(f, to.recipients);
  if (!to.recipients.empty() && o.passphrase.given()) {
    throw Error(Errc::invalid_argument,
                tr("a backup has either recipients or a passphrase, not both (age allows a passphrase "
                   "only alone)"),
                tr("drop -r/-R to use a passphrase, or drop the passphrase option"));
  }
  if (o.work_factor < 1 || o.work_factor > 22) {
    throw Error(Errc::invalid_argument, tr("--work-factor must be 1 to 22"), tr("18 (the default) is what age uses"));
  }
  to.work_factor = o.work_factor;
  to.armor = o.armor;
  bool to_stdout = o.output == "-";
  if (to_stdout && stdout_is_terminal() && !o.armor) {
    throw Error(Errc::invalid_argument, tr("refusing to write a binary backup to the terminal"),
                tr("redirect standard output to a file, or add --armor"));
  }
  // An existing file is refused before anything is asked; the temp file is
  // made after the prompts, where a Ctrl-C would have left it behind.
  if (!to_stdout) OutputFile::check(o.output, o.force);
  Vault vault = open_vault(g, Access::read);
  Secret pass;
  if (to.recipients.empty()) {
    pass = o.passphrase.read_new(o.allow_weak);
    to.passphrase = &pass;
  }
  InterruptGuard interrupts;
  std::optional<OutputFile> file;
  if (!to_stdout) file.emplace(o.output, o.force);
  FdSink fd_out(to_stdout ? STDOUT_FILENO : file->fd());
  InterruptibleSink out(fd_out);
  RecordCounts n = vault.backup().export_to(out, to, progress_bar(tr("exporting")));
  if (InterruptGuard::interrupted()) out.write({});
  if (file) file->commit();
  // TRANSLATORS: {0} is a list of counts, "2 entries, 1 checklist"; {1} a file.
  note(to_stdout ? trf("exported {0}", counts_text(n)) : trf("exported {0} to {1}", counts_text(n), o.output));
  return 0;
}

}  // namespace

void add_export(CLI::App& app, Globals& g, Action& run) {
  auto o = std::make_shared<ExportOpts>();
  CLI::App* cmd = app.add_subcommand("export",
                                     tr("write an encrypted backup (age format) of the whole vault; "
                                        "--plaintext for JSON or Markdown"));
  cmd->add_option("file", o->output, tr("backup file to write (0600), or - for standard output"));
  cmd->add_option("-r,--recipient", o->recipients, tr("encrypt to this age recipient (age1...); repeatable"))
      ->allow_extra_args(false);
  cmd->add_option("-R,--recipients-file", o->recipient_files, tr("encrypt to the recipients listed in this file"))
      ->allow_extra_args(false);
  o->passphrase.add_to(*cmd);
  cmd->add_flag("--allow-weak", o->allow_weak, tr("accept a weak backup passphrase"));
  cmd->add_option("--work-factor", o->work_factor,
                  tr("scrypt work factor (log2 N) of a passphrase backup (default 18)"));
  cmd->add_flag("-a,--armor", o->armor, tr("write the ASCII-armored (PEM) form"));
  cmd->add_flag("--force", o->force, tr("overwrite an existing output file"));
  cmd->add_flag("--plaintext", o->plaintext, tr("write an UNENCRYPTED export (with --format)"));
  cmd->add_option("--format", o->format, tr("json (the backup payload) or markdown; needs --plaintext"));
  cmd->add_option("-o,--output-dir", o->folder,
                  tr("with --plaintext: write into this folder instead of standard output"));
  cmd->callback([&g, &run, o] {
    run = [&g, o] { return o->plaintext ? export_plaintext(g, *o) : export_encrypted(g, *o); };
  });
}

}  // namespace folio::cli
