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
    note("warning: the metadata of " + shown + " could not be read (" + m.error + "); it was stored as it is");
    return;
  }
  if (!m.any()) return;
  std::vector<std::string> parts;
  if (m.gps) {
    char pos[64];
    std::snprintf(pos, sizeof pos, "%.4f,%.4f", m.gps->latitude, m.gps->longitude);
    parts.push_back(std::string("GPS position ") + pos);
  } else if (m.gps_tags) {
    parts.push_back("GPS tags");
  }
  if (!m.camera.empty()) parts.push_back("camera '" + m.camera + "'");
  if (!m.artist.empty()) parts.push_back("artist '" + m.artist + "'");
  if (!m.taken.empty()) parts.push_back("date taken '" + m.taken + "'");
  if (!m.author.empty()) parts.push_back("author '" + m.author + "'");
  if (!m.creator.empty()) parts.push_back("creator '" + m.creator + "'");
  if (!m.producer.empty()) parts.push_back("producer '" + m.producer + "'");
  std::vector<std::string> blocks;
  if (m.exif) blocks.push_back("EXIF");
  if (m.xmp) blocks.push_back("XMP");
  if (m.iptc) blocks.push_back("IPTC");
  if (m.comment) blocks.push_back("a comment");
  if (m.other) blocks.push_back("other blocks");
  std::string what;
  for (std::size_t i = 0; i < parts.size(); ++i) what += (i ? ", " : "") + parts[i];
  std::string where;
  for (std::size_t i = 0; i < blocks.size(); ++i) where += (i ? ", " : "") + blocks[i];
  std::string line = shown + " carries " + (what.empty() ? "metadata" : what);
  if (!where.empty()) line += " (in " + where + ")";
  if (stripped) {
    note("removed the metadata before storing it: " + line);
  } else if (m.format == MetadataFormat::pdf) {
    note("warning: " + line + "; it was stored as it is (folio cannot remove PDF metadata)");
  } else {
    note("warning: " + line + "; it was stored as it is");
    note("hint: to store it without: " + again);
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
  CLI::App* cmd = app.add_subcommand("attach", "store a file (a scan, a PDF) encrypted with an item");
  cmd->add_option("item", o->item, tr("item id or CHECKLIST:N (- reads it from standard input)"))->required();
  cmd->add_option("file", o->file, "the file to attach")->required();
  cmd->add_flag("--remove-original", o->remove_original,
                "then overwrite and delete the original (see the caveat it prints)");
  cmd->add_flag("--strip-metadata", o->strip_metadata,
                "remove an image's EXIF, XMP, IPTC and comment (GPS, camera, artist) before storing it");
  cmd->callback([&g, &run, o] {
    run = [&g, o] {
      TextFields().line(o->item, "ITEM").read();
      check_item_ref(o->item);
      check_file_to_attach(o->file);
      std::string given_name = std::filesystem::path(o->file).filename().string();
      if (o->strip_metadata) {  // said before the passphrase is asked for
        MetadataFormat format = metadata_format(media_type_for(safe_file_name(given_name)));
        if (format == MetadataFormat::pdf) {
          throw Error(Errc::refused, "--strip-metadata does not support PDF files",
                      "attach it without --strip-metadata; folio then says what metadata it carries");
        }
        if (format == MetadataFormat::none) {
          throw Error(Errc::refused, "--strip-metadata supports only images (JPEG, PNG, WebP, TIFF, HEIC)",
                      "attach this file without --strip-metadata");
        }
      }
      Vault vault = open_vault(g, Access::write);
      Checklists lists = vault.checklists();
      MediaMetadata found;
      AttachOptions options;
      options.strip_metadata = o->strip_metadata;
      options.found = &found;
      Attachment a = lists.attach(o->item, o->file, progress_bar("attaching"), options);
      Item it = lists.get_item(a.item_id);
      std::cout << a.id << '\n';
      report_change("attached", "attachment", a.id, a.name);
      std::string given = std::filesystem::path(o->file).filename().string();
      if (a.name != given) {
        note("stored its name as \"" + a.name + "\": a stored name is a plain file name, " +
             "without control, invisible or direction-changing characters");
      }
      report_metadata(a.name, found, o->strip_metadata,
                      folio_command(g) + " rm --yes " + a.id + ", then " + folio_command(g) + " attach --strip-metadata " +
                          shell_word(o->item) + " " + shell_word(o->file));
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
