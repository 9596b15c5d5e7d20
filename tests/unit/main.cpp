// The unit-test runner. libsodium must be initialised before the first
// Secret is allocated (sodium_malloc aborts otherwise); folio's main() does it
// through harden_process(), which the tests do not call because it also turns
// off core dumps and ptrace, which debugging a failing test needs.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <sodium.h>

int main(int argc, char* argv[]) {
  if (sodium_init() < 0) return 1;
  return Catch::Session().run(argc, argv);
}
