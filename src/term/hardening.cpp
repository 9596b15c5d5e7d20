#include <signal.h>
#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "folio/error.h"
#include "folio/terminal.h"

namespace folio {

void harden_process() {
  // No core file may hold a key or a page of the journal.
  struct rlimit none {0, 0};
  setrlimit(RLIMIT_CORE, &none);
  // Not dumpable: no core dumps, and other processes of the same user cannot
  // ptrace us or read /proc/<pid>/mem.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  // Files folio creates are private even where it forgets to say so.
  umask(077);
  // A file-size limit makes writes fail (and be reported) instead of killing us.
  signal(SIGXFSZ, SIG_IGN);
  if (sodium_init() < 0) {
    throw Error(Errc::internal, "libsodium could not be initialised");
  }
}

}  // namespace folio
