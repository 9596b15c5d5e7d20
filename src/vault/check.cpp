#include "vault/check.h"

#include <string>

#include "folio/error.h"
#include "folio/i18n.h"

namespace folio {

void check_database(Database& db, const Secret& key) {
  db.verify_pages(key);
  std::string result = db.query_text("PRAGMA integrity_check(1)");
  if (result != "ok") {
    // integrity_check reports "*** in database main ***\nPage N: ...": keep one line.
    const std::string prefix = "*** in database main ***";
    if (result.rfind(prefix, 0) == 0) result.erase(0, prefix.size());
    for (char& c : result) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    result.erase(0, result.find_first_not_of(' '));
    throw Error(Errc::corrupt, trf("the vault database is damaged ({0})", result),
                tr("restore the vault folder from a backup"));
  }
}

}  // namespace folio
