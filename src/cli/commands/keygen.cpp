// folio keygen: a new age X25519 identity, in the file format of age-keygen.
#include <unistd.h>

#include <ctime>
#include <iostream>

#include "age/age.h"
#include "cli/backup_io.h"
#include "cli/common.h"
#include "folio/i18n.h"
#include "folio/error.h"

namespace folio::cli {
namespace {

// RFC 3339 in local time, as age-keygen writes it ("Z" for UTC).
std::string created_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  long off = tm.tm_gmtoff;
  if (off == 0) return std::string(buf) + "Z";
  char zone[32];
  long a = off < 0 ? -off : off;
  std::snprintf(zone, sizeof zone, "%c%02d:%02d", off < 0 ? '-' : '+',
                static_cast<int>(a / 3600 % 24), static_cast<int>(a / 60 % 60));
  return std::string(buf) + zone;
}

void write_all(int fd, std::string_view text) {
  FdSink(fd).write({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

int make_identity(const std::string& output) {
  std::optional<OutputFile> file;
  if (!output.empty() && output != "-")
    file.emplace(output, false, OutputFile::Replace::never);  // a key file may be the only copy
  age::X25519Identity id = age::generate_identity();
  std::string recipient = age::encode_recipient(id.recipient());
  Secret key = age::encode_identity(id);
  int fd = file ? file->fd() : STDOUT_FILENO;
  write_all(fd, "# created: " + created_now() + "\n# public key: " + recipient + "\n");
  write_all(fd, key.view());
  write_all(fd, "\n");
  if (file) {
    file->commit();
    // TRANSLATORS: age-keygen says the same ("Public key: age1...").
    std::cerr << trf("Public key: {0}", recipient) << '\n';
  }
  return 0;
}

}  // namespace

void add_keygen(CLI::App& app, Globals&, Action& run) {
  struct Opts {
    std::string output;
  };
  auto o = std::make_shared<Opts>();
  CLI::App* cmd =
      app.add_subcommand("keygen", tr("make an age identity for backups (like age-keygen)"));
  cmd->add_option("-o,--output", o->output,
                  tr("write the identity to this new file (0600) instead of standard output"));
  cmd->callback([&run, o] {
    run = [o] {
      return make_identity(o->output);
    };
  });
}

}  // namespace folio::cli
