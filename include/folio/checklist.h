// folio/checklist.h: document checklists, their items, and the files attached
// to items. Like Journal, a Checklists is a view over an open Vault's database;
// every write is one transaction.
//
//   folio::Checklists lists = vault.checklists();
//   auto visa = lists.create({.name = "Student visa"}, "study-abroad");
//   auto item = lists.add_item(visa.id, {.title = "Bank statement", .due = "2026-12-01"});
//   lists.set_state(item.id, "requested");
//
// References: a checklist is named by its id (or a unique prefix of 4+
// characters) or by its exact name; an item by its id (or prefix) or by
// "CHECKLIST:N", its number N within the checklist (1-based).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "folio/journal.h"
#include "folio/metadata.h"

namespace folio {

class Database;

// The states a document goes through. Stored as these words; a state written
// by a later folio that this one does not know is kept and shown as is.
// "n/a" items are left out of progress counts.
const std::vector<std::string>& item_states();
inline constexpr char kStateDone[] = "done";
inline constexpr char kStateNotApplicable[] = "n/a";

// Checks that need no vault, so that a command can report a mistake before
// it asks for the passphrase and runs the KDF. Each throws the Error that the
// operation itself would throw for that input, and passes anything that might
// still name a record.
//   check_item_state: Error(invalid_argument) for a state not in item_states().
//   check_item_ref: Error(not_found) unless `ref` could be an item id or
//     CHECKLIST:N with N >= 1.
//   check_checklist_ref: Error(not_found) unless `ref` could be a checklist id
//     or name.
//   check_checklist_name, check_item_title: Error(invalid_argument) for what
//     Checklists::create / add_item would refuse (empty, several lines, too long).
void check_item_state(const std::string& state);
void check_item_ref(const std::string& ref);
void check_checklist_ref(const std::string& ref);
void check_attachment_ref(const std::string& ref);
void check_checklist_name(const std::string& name);
void check_item_title(const std::string& title);
//   check_file_to_attach: what Checklists::attach says of `path` itself:
//     Error(not_found) if there is no such file, Error(invalid_argument) for a
//     folder or anything but a regular file, Error(io) if it cannot be read.
void check_file_to_attach(const std::filesystem::path& path);

// A calendar date, "YYYY-MM-DD", in no time zone: the day printed on the paper.
using Day = std::string;

struct Checklist {
  std::string id;
  std::string name;
  std::optional<std::string> description;
  std::optional<Day> target;
  Timestamp created = 0;
  Timestamp updated = 0;
  std::size_t items = 0;       // all items
  std::size_t done = 0;        // items in state "done"
  std::size_t applicable = 0;  // items not "n/a"
};

struct ChecklistDraft {
  std::string name;
  std::optional<std::string> description;
  std::optional<Day> target;
};

struct Item {
  std::string id;
  std::string checklist_id;
  std::string checklist_name;
  std::size_t number = 0;  // position within the checklist, 1-based
  std::string title;
  std::string state = "needed";
  std::optional<Day> due;
  std::optional<Day> expires;
  std::optional<std::string> notes;
  Timestamp created = 0;
  Timestamp updated = 0;
  std::size_t attachments = 0;
};

struct ItemDraft {
  std::string title;
  std::string state = "needed";
  std::optional<Day> due;
  std::optional<Day> expires;
  std::optional<std::string> notes;
};

// A change to an item: each field set is changed; an inner nullopt clears it.
struct ItemChange {
  std::optional<std::string> title;
  std::optional<std::string> state;
  std::optional<std::optional<Day>> due;
  std::optional<std::optional<Day>> expires;
  std::optional<std::optional<std::string>> notes;
};

struct Attachment {
  std::string id;
  std::string item_id;
  std::string name;        // the original file name
  std::string media_type;
  std::uint64_t size = 0;
  std::string blake2b;     // hex of the 32-byte BLAKE2b of the content
  Timestamp created = 0;
};

// One line of `folio due`.
struct Deadline {
  Item item;
  std::string kind;        // "due" or "expires"
  Day date;
  long days_left = 0;      // negative: overdue / expired
};

struct Template {
  std::string name;
  std::string alias;               // a built-in's Chinese name, also accepted
  bool builtin = false;
  std::vector<std::string> items;  // titles, in order
};

// Called with bytes done so far during attach and extract.
using Progress = std::function<void(std::uint64_t done, std::uint64_t total)>;

struct AttachOptions {
  bool strip_metadata = false;
  MediaMetadata* found = nullptr;  // filled with what the file carried, before any stripping
};

// "image/jpeg" for "scan.JPG", "application/octet-stream" when unknown.
std::string media_type_for(const std::string& file_name);

// What Checklists::attach refuses in `options` for `path` from its name
// alone, without reading the file or a vault (the CLI calls it before the
// passphrase): Error(refused) for strip_metadata on a PDF or a non-image
// (check_strippable, folio/metadata.h). attach() runs the same check first.
void check_attach_options(const std::filesystem::path& path, const AttachOptions& options);

class Checklists {
 public:
  explicit Checklists(Database& db) : db_(&db) {}

  // Creates a checklist, with the items of `template_name` if given (a
  // built-in template or one the user saved; `lang` "en" or "zh" picks the
  // language of built-in titles, "" the user's message language, through the
  // catalogue). Error(already_exists) for a name in use.
  Checklist create(const ChecklistDraft& draft, const std::optional<std::string>& template_name = {},
                   const std::string& lang = "en");
  std::vector<Checklist> list() const;
  Checklist get(const std::string& ref) const;
  Checklist rename(const std::string& ref, const std::string& new_name);
  // Removes the checklist, its items, their attachments and entry links.
  void remove(const std::string& ref);

  std::vector<Item> items(const std::string& checklist_ref) const;
  Item add_item(const std::string& checklist_ref, const ItemDraft& draft);
  Item get_item(const std::string& ref) const;
  Item change_item(const std::string& ref, const ItemChange& change);
  void remove_item(const std::string& ref);
  // Moves an item to position `number` (1-based) of `checklist_ref` (default:
  // its own checklist); the other items are renumbered.
  Item move_item(const std::string& ref, const std::optional<std::string>& checklist_ref,
                 std::optional<std::size_t> number);

  // Every due date and expiry date before `today` + `within_days` (overdue
  // ones included) of items not done or n/a, soonest first.
  std::vector<Deadline> deadlines(const Day& today, long within_days) const;

  std::vector<Template> templates() const;
  // Saves the titles of a checklist's items as a template.
  Template save_template(const std::string& checklist_ref, const std::string& name);
  // Error(not_found) if no saved template has that name; Error(refused) for a
  // built-in one (they are part of folio, not of the vault).
  void remove_template(const std::string& name);

  // Links a journal entry to an item; entries of an item.
  void link_entry(const std::string& entry_id, const std::string& item_ref);
  std::vector<EntrySummary> linked_entries(const std::string& item_ref) const;

  // Stores the file at `path` encrypted in the vault, reading it in chunks
  // (memory stays flat whatever the size). Error(invalid_argument) for a
  // folder, Error(io) if unreadable or if the file changes while read; on any
  // error nothing is stored. The name stored is safe_file_name of the file's
  // name (folio/text.h): a name with a line break, a control or a bidi
  // character is stored cleaned, and the Attachment returned says how.
  //
  // An image or a PDF (by its name's media type) of up to 64 MiB is read whole into memory
  // first and its metadata read there (folio/metadata.h) into
  // `options.found`, if given; with `options.strip_metadata` the image's
  // EXIF, XMP, IPTC and comment are removed before it is stored (size and
  // hash are those of the bytes stored). Without it the bytes are stored as
  // they are. Error(refused) for strip_metadata on a PDF or a non-image,
  // Error(invalid_argument) on an image libexiv2 cannot rewrite.
  Attachment attach(const std::string& item_ref, const std::filesystem::path& path,
                    const Progress& progress = {}, const AttachOptions& options = {});
  std::vector<Attachment> attachments(const std::string& item_ref) const;
  Attachment get_attachment(const std::string& ref) const;
  // Writes an attachment's bytes to `fd`, in chunks, and verifies its hash at
  // the end: Error(corrupt) on a mismatch.
  void extract(const std::string& attachment_ref, int fd, const Progress& progress = {}) const;
  void remove_attachment(const std::string& ref);

 private:
  Database* db_;
};

// A date in parse_date's grammar (folio/dates.h) as "YYYY-MM-DD", relative
// forms counted from the local date of `now`. Error(invalid_argument).
Day parse_calendar_day(std::string_view text, Timestamp now);

// Today's local date.
Day today_local(Timestamp now);

// Days from a to b (b - a).
long days_between(const Day& a, const Day& b);

}  // namespace folio
