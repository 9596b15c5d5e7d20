// Writing the backup payload: one JSON object a line, in the order
// docs/FORMAT.md ("Backups") gives, every record in the order of its id so
// that two exports of equal vaults are equal line for line.
//
// The whole payload comes from one read transaction (a consistent snapshot);
// attachments are read through incremental blob I/O in 48 KiB pieces and
// checked against their stored BLAKE2b on the way (on the second thread of
// PayloadWriter; the first error still stops the export).
#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "backup/payload.h"
#include "text/base64.h"
#include "crypto/hash.h"
#include "folio/backup.h"
#include "folio/dates.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/limits.h"
#include "folio/secret.h"
#include "folio/text.h"
#include "folio/version.h"
#include "journal/summary.h"
#include "store/database.h"

namespace folio {
namespace {

using Json = nlohmann::ordered_json;
using backup::kChunkRaw;

Json opt_text(const Statement& st, int column) {
  return st.is_null(column) ? Json(nullptr) : Json(st.text(column));
}

// A record type of the backup format as a noun for a message.
std::string record_noun(const std::string& type) {
  // TRANSLATORS: the kinds of record, put into "the {0} {1} is over ... MiB as one backup line".
  if (type == "entry") return tr("entry");
  if (type == "checklist") return tr("checklist");
  if (type == "item") return tr("item");
  if (type == "template") return tr("template");
  if (type == "attachment") return tr("attachment");
  if (type == "chunk") return tr("chunk");
  if (type == "record") return tr("record");
  return type;
}

std::string dump(const Json& j) {
  std::string line;
  try {
    line = j.dump(-1, ' ', false, Json::error_handler_t::strict);
  } catch (const Json::exception&) {
    throw Error(Errc::corrupt,
                tr("the vault holds text that is not valid UTF-8; no backup was written"),
                tr("run 'folio check'"));
  }
  // A line import would refuse must not be written: the backup would fail
  // only on the day it is needed.
  if (line.size() > backup::kMaxLine) {
    std::string id = j.value("id", std::string());
    const std::size_t mib = backup::kMaxLine >> 20;
    wipe(line.data(), line.size());
    throw Error(Errc::invalid_argument,
                id.empty() ? trf("the {0} is over {1} MiB as one backup line, more than an import takes; no backup was written",
                                 record_noun(j.value("type", std::string("record"))), mib)
                           : trf("the {0} {1} is over {2} MiB as one backup line, more than an import takes; no backup was written",
                                 record_noun(j.value("type", std::string("record"))), id, mib),
                tr("shorten it, or move the text into an attachment"));
  }
  return line;
}

// Import refuses a text over kMaxTextBytes, so export does not write one: a
// backup export writes always imports. Only a vault from before the limit
// can hold one.
// `what` is one of the N_ sentences of the callers: {0} the id, {1} the size,
// {2} the limit in MiB.
void check_size(const std::string& text, const char* what, const std::string& id) {
  if (text.size() <= kMaxTextBytes) return;
  throw Error(Errc::invalid_argument, trf(what, id, text.size(), kMaxTextBytes >> 20),
              tr("shorten it or split it into several, or move the text into an attachment, then "
                 "export again"));
}

// BEGIN ... ROLLBACK: a read snapshot that also works on a read-only vault.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Database& db) : db_(db) {
    db_.exec("BEGIN");
    // A deferred transaction takes its snapshot at the first read.
    db_.query_text("SELECT count(*) FROM entries");
  }
  ~ReadSnapshot() {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
    }
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  Database& db_;
};

Error damaged_attachment(const std::string& id) {
  return Error(Errc::corrupt,
               trf("attachment {0} does not match its stored checksum; no backup was written", id),
               tr("run 'folio check'; remove or re-attach that document, then export again"));
}

// The payload goes through a PipelinedSink: this thread reads the vault and
// makes the lines; the sink's thread hashes the attachments' bytes (checking
// each against its stored BLAKE2b once its last byte is hashed), and writes,
// which for export_to means encrypts. Measured in bench/README.md.
class PayloadWriter {
 public:
  PayloadWriter(Database& db, ByteSink& out, const Progress& progress)
      : db_(db), pipe_(out), out_(pipe_), progress_(progress) {}

  RecordCounts run() {
    ReadSnapshot snapshot(db_);
    total_bytes_ = static_cast<std::uint64_t>(
        std::stoll("0" + db_.query_text("SELECT coalesce(sum(size), 0) FROM attachments")));
    Json head;
    head["format"] = kBackupFormat;
    head["version"] = kBackupVersion;
    head["folio"] = kVersion;
    head["created"] = format_utc(now_utc());
    out_.line(dump(head));
    entries();
    checklists();
    items();
    links();
    templates();
    attachments();
    Json end;
    end["type"] = "end";
    end["entries"] = counts_.entries;
    end["checklists"] = counts_.checklists;
    end["items"] = counts_.items;
    end["links"] = counts_.links;
    end["templates"] = counts_.templates;
    end["attachments"] = counts_.attachments;
    end["chunks"] = chunks_;
    out_.line(dump(end));
    out_.flush();
    pipe_.finish();
    if (progress_) progress_(total_bytes_, total_bytes_);
    return counts_;
  }

 private:
  void entries() {
    Statement st = db_.prepare(
        "SELECT e.uid, e.created, e.updated, e.title, e.body, "
        "(SELECT group_concat(t.name, ',') FROM entry_tags et JOIN tags t ON t.id = et.tag_id "
        " WHERE et.entry_id = e.id) FROM entries e ORDER BY e.uid");
    while (st.step()) {
      Json j;
      j["type"] = "entry";
      j["id"] = st.text(0);
      j["created"] = st.text(1);
      j["updated"] = st.text(2);
      j["title"] = opt_text(st, 3);
      j["tags"] = split_tags(st.text(5));
      j["body"] = st.text(4);
      check_size(j["body"].get_ref<const std::string&>(),
                 N_("entry {0} is {1} bytes, more than the {2} MiB one text may hold (an import refuses it); no backup was written"),
                 st.text(0));
      out_.line(dump(j));
      ++counts_.entries;
    }
  }

  void checklists() {
    Statement st = db_.prepare(
        "SELECT uid, name, description, target, created, updated FROM checklists ORDER BY uid");
    while (st.step()) {
      Json j;
      j["type"] = "checklist";
      j["id"] = st.text(0);
      j["name"] = st.text(1);
      j["description"] = opt_text(st, 2);
      if (!st.is_null(2)) check_size(st.text(2),
                 N_("the description of checklist {0} is {1} bytes, more than the {2} MiB one text may hold (an import refuses it); no backup was written"),
                 st.text(0));
      j["target"] = opt_text(st, 3);
      j["created"] = st.text(4);
      j["updated"] = st.text(5);
      out_.line(dump(j));
      ++counts_.checklists;
    }
  }

  void items() {
    Statement st = db_.prepare(
        "SELECT i.uid, c.uid, i.position, i.title, i.state, i.due, i.expires, i.notes, i.created, "
        "i.updated FROM items i JOIN checklists c ON c.id = i.checklist_id ORDER BY c.uid, "
        "i.position");
    while (st.step()) {
      Json j;
      j["type"] = "item";
      j["id"] = st.text(0);
      j["checklist"] = st.text(1);
      j["position"] = st.integer(2);
      j["title"] = st.text(3);
      j["state"] = st.text(4);
      j["due"] = opt_text(st, 5);
      j["expires"] = opt_text(st, 6);
      j["notes"] = opt_text(st, 7);
      if (!st.is_null(7)) check_size(st.text(7),
                 N_("the notes of item {0} is {1} bytes, more than the {2} MiB one text may hold (an import refuses it); no backup was written"),
                 st.text(0));
      j["created"] = st.text(8);
      j["updated"] = st.text(9);
      out_.line(dump(j));
      ++counts_.items;
    }
  }

  void links() {
    Statement st = db_.prepare(
        "SELECT e.uid, i.uid FROM entry_items ei JOIN entries e ON e.id = ei.entry_id "
        "JOIN items i ON i.id = ei.item_id ORDER BY e.uid, i.uid");
    while (st.step()) {
      Json j;
      j["type"] = "link";
      j["entry"] = st.text(0);
      j["item"] = st.text(1);
      out_.line(dump(j));
      ++counts_.links;
    }
  }

  void templates() {
    Statement st = db_.prepare("SELECT id, name, created FROM templates ORDER BY name");
    Statement titles =
        db_.prepare("SELECT title FROM template_items WHERE template_id = ?1 ORDER BY position");
    while (st.step()) {
      Json j;
      j["type"] = "template";
      j["name"] = st.text(1);
      j["created"] = st.text(2);
      Json list = Json::array();
      titles.bind(1, st.integer(0));
      while (titles.step()) list.push_back(titles.text(0));
      titles.reset();
      j["items"] = std::move(list);
      out_.line(dump(j));
      ++counts_.templates;
    }
  }

  void attachments() {
    Statement st = db_.prepare(
        "SELECT a.id, a.uid, i.uid, a.name, a.media_type, a.size, a.blake2b, a.created "
        "FROM attachments a JOIN items i ON i.id = a.item_id ORDER BY a.uid");
    while (st.step()) {
      auto size = static_cast<std::uint64_t>(st.integer(5));
      Json j;
      j["type"] = "attachment";
      j["id"] = st.text(1);
      j["item"] = st.text(2);
      // Import reads a name as a plain file name; a vault from before that
      // rule may hold another (a line break, a '/'), written here as import
      // would store it.
      j["name"] = safe_file_name(st.text(3));
      j["media_type"] = st.text(4);
      j["size"] = size;
      j["blake2b"] = st.text(6);
      j["created"] = st.text(7);
      j["chunks"] = (size + kChunkRaw - 1) / kChunkRaw;
      out_.line(dump(j));
      content(st.integer(0), st.text(1), size, st.text(6));
      ++counts_.attachments;
      counts_.attachment_bytes += size;
    }
  }

  // The attachment's bytes as "chunk" lines of kChunkRaw bytes (the last one
  // shorter), whatever the sizes of the stored chunks they come from.
  //
  // The hot loop of an export: the line is built in one buffer reused for
  // every chunk, byte for byte what dump() of the record would write (an id
  // of letters and digits needs no escape, the base64 alphabet neither); an
  // id with any other byte (only a damaged vault holds one) goes through
  // dump() instead.
  void content(std::int64_t row, const std::string& id, std::uint64_t size,
               const std::string& blake2b) {
    Statement st =
        db_.prepare("SELECT id FROM attachment_chunks WHERE attachment_id = ?1 ORDER BY seq");
    st.bind(1, row);
    const bool plain_id = std::all_of(id.begin(), id.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    });
    std::size_t filled = 0;
    std::uint64_t done = 0;
    std::int64_t seq = 0;
    // Used on the pipe's thread only (which ends before hashes_ goes).
    Blake2b* hash = hashes_.emplace_back(std::make_unique<Blake2b>()).get();
    auto emit = [&] {
      const std::span<const std::uint8_t> bytes(piece_.data(), filled);
      pipe_.process(bytes, [hash](std::span<const std::uint8_t> b) { hash->update(b.data(), b.size()); });
      if (plain_id) {
        line_.clear();
        line_ += R"({"type":"chunk","attachment":")";
        line_ += id;
        line_ += R"(","seq":)";
        line_ += std::to_string(seq);
        line_ += R"(,"data":")";
        base64_encode_padded_append(bytes, line_);
        line_ += R"("})";
        out_.line(line_);
        wipe(line_.data(), line_.size());
      } else {
        Json j;
        j["type"] = "chunk";
        j["attachment"] = id;
        j["seq"] = seq;
        j["data"] = base64_encode_padded(bytes);
        std::string text = dump(j);
        out_.line(text);
        wipe(text.data(), text.size());
        wipe(j["data"].get_ref<std::string&>().data(), j["data"].get_ref<std::string&>().size());
      }
      ++seq;
      wipe(piece_.data(), filled);
      filled = 0;
      ++chunks_;
    };
    auto damaged = [&id] { return damaged_attachment(id); };
    while (st.step()) {
      Blob blob = db_.open_blob("attachment_chunks", "data", st.integer(0), false);
      int total = blob.size();
      if (done + static_cast<std::uint64_t>(total) > size) throw damaged();
      for (int off = 0; off < total;) {
        int n = std::min<int>(static_cast<int>(kChunkRaw - filled), total - off);
        blob.read(piece_.data() + filled, n, off);
        filled += static_cast<std::size_t>(n);
        off += n;
        done += static_cast<std::uint64_t>(n);
        bytes_done_ += static_cast<std::uint64_t>(n);
        if (filled == kChunkRaw) {
          emit();
          // A terminal line every MiB is plenty.
          if (progress_ && bytes_done_ - bytes_shown_ >= (1u << 20)) {
            bytes_shown_ = bytes_done_;
            progress_(bytes_done_, total_bytes_);
          }
        }
      }
    }
    if (filled > 0) emit();
    if (done != size) throw damaged();
    pipe_.then([hash, id, blake2b] {
      if (hash->hex() != blake2b) throw damaged_attachment(id);
    });
  }

  Database& db_;
  std::vector<std::unique_ptr<Blake2b>> hashes_;  // one an attachment, used by pipe_
  backup::PipelinedSink pipe_;
  backup::BufferedSink out_;
  const Progress& progress_;
  // One attachment piece and its chunk line, reused for every chunk (and
  // wiped after each).
  Secret piece_{kChunkRaw};
  std::string line_;
  RecordCounts counts_;
  std::size_t chunks_ = 0;
  std::uint64_t total_bytes_ = 0;
  std::uint64_t bytes_done_ = 0;
  std::uint64_t bytes_shown_ = 0;
};

}  // namespace

RecordCounts Backup::write_payload(ByteSink& out, const Progress& progress) const {
  PayloadWriter writer(*db_, out, progress);
  return writer.run();
}

}  // namespace folio
