#include "checklist/refs.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "folio/checklist.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/limits.h"
#include "folio/text.h"
#include "store/ids.h"

namespace folio {
namespace {

Error no_checklist(const std::string& ref) {
  return Error(Errc::not_found, trf("no checklist '{0}'", ref), tr("'folio checklist list' shows them"));
}

Error no_item(const std::string& ref) {
  return Error(Errc::not_found, trf("no item '{0}'", ref),
               tr("name an item by its id or as CHECKLIST:NUMBER, e.g. visa:3"));
}

// CHECKLIST:N, split at the last colon (a checklist name may contain one);
// nullopt unless N is a whole number from 1.
std::optional<std::pair<std::string, long>> numbered_item(const std::string& ref) {
  auto colon = ref.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string number = ref.substr(colon + 1);
  long n = 0;
  auto r = std::from_chars(number.data(), number.data() + number.size(), n);
  if (r.ec != std::errc() || r.ptr != number.data() + number.size() || n <= 0) return std::nullopt;
  return std::make_pair(ref.substr(0, colon), n);
}

// Whether `name` could be stored as a checklist's name.
bool could_be_name(const std::string& name) {
  try {
    return !single_line(name, "the checklist name", kMaxNameChars).empty();
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

void check_checklist_ref(const std::string& ref) {
  if (!looks_like_id(ref) && !could_be_name(ref)) throw no_checklist(ref);
}

void check_item_ref(const std::string& ref) {
  if (looks_like_id(ref)) return;
  auto numbered = numbered_item(ref);
  if (!numbered) throw no_item(ref);
  check_checklist_ref(numbered->first);
}

void check_attachment_ref(const std::string& ref) {
  if (!looks_like_id(ref)) {
    throw Error(Errc::not_found, trf("no attachment '{0}'", ref),
                tr("'folio attachments ITEM' shows the attachment ids"));
  }
}

void check_file_to_attach(const std::filesystem::path& path) {
  const std::string shown = path.string();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    int err = errno;
    if (err == ENOENT) throw Error(Errc::not_found, trf("no file {0}", shown));
    throw Error(Errc::io, trf("cannot read {0}: {1}", shown, std::strerror(err)));
  }
  if (S_ISDIR(st.st_mode)) throw Error(Errc::invalid_argument, trf("{0} is a folder", shown), tr("attach one file at a time"));
  if (!S_ISREG(st.st_mode)) throw Error(Errc::invalid_argument, trf("{0} is not a regular file", shown));
  if (::access(path.c_str(), R_OK) != 0) {
    throw Error(Errc::io, trf("cannot read {0}: {1}", shown, std::strerror(errno)));
  }
}

std::int64_t resolve_checklist(Database& db, const std::string& ref) {
  if (auto row = find_uid(db, IdTable::checklists, ref, "checklist")) return *row;
  Statement st = db.prepare("SELECT id FROM checklists WHERE name = ?1");
  st.bind(1, ref);
  if (st.step()) return st.integer(0);
  throw no_checklist(ref);
}

std::int64_t resolve_item(Database& db, const std::string& ref) {
  if (auto row = find_uid(db, IdTable::items, ref, "item")) return *row;
  if (auto numbered = numbered_item(ref)) {
    const auto& [name, n] = *numbered;
    std::int64_t list = resolve_checklist(db, name);
    Statement st = db.prepare("SELECT id FROM items WHERE checklist_id = ?1 AND position = ?2");
    st.bind(1, list).bind(2, static_cast<std::int64_t>(n));
    if (st.step()) return st.integer(0);
    throw Error(Errc::not_found, trf("checklist '{0}' has no item {1}", name, n));
  }
  throw no_item(ref);
}

std::int64_t resolve_attachment(Database& db, const std::string& ref) {
  if (auto row = find_uid(db, IdTable::attachments, ref, "attachment")) return *row;
  check_attachment_ref(ref);
  throw Error(Errc::not_found, trf("no attachment '{0}'", ref),
              tr("'folio attachments ITEM' shows the attachment ids"));
}

}  // namespace folio
