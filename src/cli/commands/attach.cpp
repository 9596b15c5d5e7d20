// folio attach: store a scanned document, encrypted, with a checklist item.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <vector>

#include "cli/common.h"
#include "folio/i18n.h"
#include "folio/error.h"
#include "folio/i18n.h"

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

// What a photo or PDF says about its maker, on stderr: the GPS position
// first. Nothing when it carries nothing.
void report_metadata(const std::string& shown, const MediaMetadata& m, bool stripped, const std::string& again) {
  if (m.format == MetadataFormat::none) return;
  if (!m.readable) {
    // TRANSLATORS: {0} is a file name, {1} the reason its metadata could not be read.
    note(trf("warning: the metadata of {0} could not be read ({1}); it was stored as it is", shown, m.error));
    return;
  }
  if (!m.any()) return;
  std::vector<std::string> parts;
  if (m.gps) {
    char pos[64];
    std::snprintf(pos, sizeof pos, "%.4f,%.4f", m.gps->latitude, m.gps->longitude);
    parts.push_back(trf("GPS position {0}", pos));
  } else if (m.gps_tags) {
    parts.push_back(tr("GPS tags"));
  }
  if (!m.camera.empty()) parts.push_back(trf("camera '{0}'", m.camera));
  if (!m.artist.empty()) parts.push_back(trf("artist '{0}'", m.artist));
  if (!m.taken.empty()) parts.push_back(trf("date taken '{0}'", m.taken));
  if (!m.author.empty()) parts.push_back(trf("author '{0}'", m.author));
  if (!m.creator.empty()) parts.push_back(trf("creator '{0}'", m.creator));
  if (!m.producer.empty()) parts.push_back(trf("producer '{0}'", m.producer));
  std::vector<std::string> blocks;
  if (m.exif) blocks.push_back("EXIF");
  if (m.xmp) blocks.push_back("XMP");
  if (m.iptc) blocks.push_back("IPTC");
  // TRANSLATORS: a kind of metadata block in a file, in a list such as "EXIF, XMP, a comment".
  if (m.comment) blocks.push_back(tr("a comment"));
  if (m.other) blocks.push_back(tr("other blocks"));
  // TRANSLATORS: between the items of a list, "GPS tags, camera 'X'".
  const std::string comma = tr(", ");
  std::string what;
  for (std::size_t i = 0; i < parts.size(); ++i) what += (i ? comma : "") + parts[i];
  std::string where;
  for (std::size_t i = 0; i < blocks.size(); ++i) where += (i ? comma : "") + blocks[i];
  // TRANSLATORS: {0} is a file name, then what its metadata says ("GPS position 48.8584,2.2945, camera
  // 'X'") and where it is in the file ("EXIF, XMP").
  std::string line = what.empty() ? (where.empty() ? trf("{0} carries metadata", shown)
                                                   : trf("{0} carries metadata (in {1})", shown, where))
                                  : (where.empty() ? trf("{0} carries {1}", shown, what)
                                                   : trf("{0} carries {1} (in {2})", shown, what, where));
  if (stripped) {
    // TRANSLATORS: {0} is a sentence such as "scan.jpg carries GPS position ... (in EXIF)".
    note(trf("removed the metadata before storing it: {0}", line));
  } else if (m.format == MetadataFormat::pdf) {
    note(trf("warning: {0}; it was stored as it is (folio cannot remove PDF metadata)", line));
  } else {
    note(trf("warning: {0}; it was stored as it is", line));
    // TRANSLATORS: {0} is the commands that store the file again without its metadata.
    note(trf("hint: to store it without: {0}", again));
  }
}

}  // namespace

void add_attach(CLI::App& app, Globals& g, Action& run) {
  struct Opts {
    std::string item, file;
    bool remove_original = false;
    bool strip_metadata = false;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand("attach", tr("store a file (a scan, a PDF) encrypted with an item"));
  cmd->add_option("item", o->item, tr("item id or CHECKLIST:N (- reads it from standard input)"))->required();
  cmd->add_option("file", o->file, tr("the file to attach"))->required();
  cmd->add_flag("--remove-original", o->remove_original,
                tr("then overwrite and delete the original (see the caveat it prints)"));
  cmd->add_flag("--strip-metadata", o->strip_metadata,
                tr("remove an image's EXIF, XMP, IPTC and comment (GPS, camera, artist) before storing it"));
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      TextFields().line(o->item, "ITEM").read();
      check_item_ref(o->item);
      check_file_to_attach(o->file);
      MediaMetadata found;
      AttachOptions options;
      options.strip_metadata = o->strip_metadata;
      options.found = &found;
      // attach() checks the same, but only after the passphrase: said before it.
      check_attach_options(o->file, options);
      Vault vault = open_vault(g, Access::write);
      Checklists lists = vault.checklists();
      Attachment a = lists.attach(o->item, o->file, progress_bar(tr("attaching")), options);
      Item it = lists.get_item(a.item_id);
      std::cout << a.id << '\n';
      note(trf("attached attachment {0}", record_label(a.id, a.name)));
      std::string given = std::filesystem::path(o->file).filename().string();
      if (a.name != given) {
        note(trf("stored its name as \"{0}\": a stored name is a plain file name, without control, invisible "
                 "or direction-changing characters",
                 a.name));
      }
      report_metadata(a.name, found, o->strip_metadata,
                      // TRANSLATORS: {0} and {1} are two folio commands, to run one after the other.
                      trf("{0}, then {1}", folio_command(g) + " rm --yes " + a.id,
                          folio_command(g) + " attach --strip-metadata " + shell_word(o->item) + " " +
                              shell_word(o->file)));
      // TRANSLATORS: {0} is a file name, {1} its size, {2} its media type, {3} the item (CHECKLIST:N).
      note(trf("attached {0} ({1}, {2}) to {3}", a.name, size_text(a.size), a.media_type,
               it.checklist_name + ":" + std::to_string(it.number)));
      if (!o->remove_original) {
        note(trf("the original is still on disk, unencrypted: {0}", o->file));
        note(tr("remove it with --remove-original next time, or delete it yourself"));
      } else if (overwrite_and_remove(o->file)) {
        note(trf("overwrote and removed {0}. On SSDs, copy-on-write file systems, snapshots and backups, copies "
                 "of the old data may survive; see docs/THREAT_MODEL.md",
                 o->file));
      } else {
        note(trf("warning: could not fully overwrite and remove {0}; delete it yourself", o->file));
        return 8;
      }
      return 0;
    };
  });
}

}  // namespace folio::cli
