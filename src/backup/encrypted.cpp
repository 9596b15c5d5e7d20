// The payload inside an age v1 file: export_to, import_from and restore
// are the payload writer and reader with folio's age layer (src/age) around
// them. Nothing here sees key material beyond passing it on.
#include <optional>

#include "age/age.h"
#include "backup/payload.h"
#include "backup/restore_folder.h"
#include "folio/backup.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/vault.h"

namespace folio {
namespace {

// The backup's sinks and sources as the age layer's, and back.
class ToAgeSink : public age::Sink {
 public:
  explicit ToAgeSink(ByteSink& out) : out_(out) {}
  void write(std::span<const std::uint8_t> bytes) override { out_.write(bytes); }

 private:
  ByteSink& out_;
};

class ToAgeSource : public age::Source {
 public:
  explicit ToAgeSource(ByteSource& in) : in_(in) {}
  std::size_t read(std::span<std::uint8_t> out) override { return in_.read(out); }

 private:
  ByteSource& in_;
};

class EncryptingSink : public ByteSink {
 public:
  explicit EncryptingSink(age::Writer& writer) : writer_(writer) {}
  void write(std::span<const std::uint8_t> bytes) override { writer_.write(bytes); }

 private:
  age::Writer& writer_;
};

class DecryptingSource : public ByteSource {
 public:
  explicit DecryptingSource(age::Reader& reader) : reader_(reader) {}
  std::size_t read(std::span<std::uint8_t> out) override { return reader_.read(out); }

 private:
  age::Reader& reader_;
};

age::EncryptOptions encrypt_options(const BackupRecipients& to) {
  if (to.passphrase != nullptr && !to.recipients.empty()) {
    throw Error(
        Errc::invalid_argument,
        tr("a backup has either recipients or a passphrase, not both (age allows a passphrase only "
           "alone)"),
        tr("drop the -r/-R options to use a passphrase, or make the backup to recipients only"));
  }
  if (to.passphrase == nullptr && to.recipients.empty()) {
    throw Error(Errc::invalid_argument, tr("a backup needs a recipient or a passphrase"));
  }
  age::EncryptOptions options;
  for (const auto& r : to.recipients) options.recipients.push_back(age::parse_recipient(r));
  options.passphrase = to.passphrase;
  options.scrypt_work_factor = to.work_factor;
  options.armor = to.armor;
  return options;
}

age::DecryptOptions decrypt_options(const BackupKeys& keys) {
  age::DecryptOptions options;
  options.ask_passphrase = keys.ask_passphrase;
  if (keys.identities != nullptr) {
    options.identities = age::parse_identity_file(keys.identities->view());
    if (options.identities.empty()) {
      throw Error(Errc::invalid_argument, tr("the identity file holds no AGE-SECRET-KEY-1 line"),
                  tr("give the file 'folio keygen' or 'age-keygen' wrote"));
    }
  }
  options.passphrase = keys.passphrase;
  options.max_scrypt_work_factor = keys.max_work_factor;
  return options;
}

}  // namespace

RecordCounts Backup::export_to(ByteSink& out, const BackupRecipients& to,
                               const Progress& progress) const {
  age::EncryptOptions options = encrypt_options(to);
  ToAgeSink sink(out);
  age::Writer writer(sink, options);
  EncryptingSink plaintext(writer);
  // write_payload encrypts and writes on a second thread (export.cpp).
  RecordCounts counts = write_payload(plaintext, progress);
  writer.finish();
  return counts;
}

struct OpenedBackup::State {
  State(ByteSource& in, const BackupKeys& keys)
      : source(in), reader(source, decrypt_options(keys)), plaintext(reader) {}
  ToAgeSource source;
  age::Reader reader;  // the header is read, checked and opened here
  DecryptingSource plaintext;
};

OpenedBackup::OpenedBackup(ByteSource& in, const BackupKeys& keys)
    : state_(std::make_unique<State>(in, keys)) {}
OpenedBackup::~OpenedBackup() = default;
ByteSource& OpenedBackup::payload() { return state_->plaintext; }

ImportReport Backup::import_from(ByteSource& in, const BackupKeys& keys,
                                 const ImportOptions& options) {
  OpenedBackup backup(in, keys);
  return import_from(backup, options);
}

ImportReport Backup::import_from(OpenedBackup& backup, const ImportOptions& options) {
  // Decrypting on a second core while this one stores the records.
  backup::PipelinedSource ahead(backup.payload());
  return read_payload(ahead, options);
}

void check_restore_target(const std::filesystem::path& dir) { backup::restore_target(dir); }

Restored restore_backup(const std::filesystem::path& dir, const Secret& passphrase,
                        const KdfParams& kdf, ByteSource& in, const BackupKeys& keys) {
  backup::restore_target(dir);
  // The age header first: a wrong passphrase or identity creates nothing.
  OpenedBackup backup(in, keys);
  return restore_backup(dir, passphrase, kdf, backup);
}

Restored restore_backup(const std::filesystem::path& dir, const Secret& passphrase,
                        const KdfParams& kdf, OpenedBackup& backup) {
  const std::filesystem::path target = backup::restore_target(dir);
  Restored out;
  backup::Leftovers leftovers = backup::remove_leftover_restores(target);
  out.leftovers_removed = std::move(leftovers.removed);
  out.leftovers_left_alone = std::move(leftovers.left_alone);
  // Built beside the target and renamed onto it when whole: a restore that
  // fails or is killed never leaves a vault at `dir` that lacks records, or
  // whose recovery code nobody saw (restore_folder.h).
  backup::RestoreFolder folder(target);
  out.recovery_code = Vault::create(folder.path(), passphrase, kdf);
  {
    Vault vault = Vault::open(folder.path(), passphrase);
    // Decrypting on a second core while this one stores the records.
    backup::PipelinedSource ahead(backup.payload());
    out.report = vault.backup().read_payload(ahead);
  }  // closed before the move: nothing is open inside the folder when it is renamed
  folder.move_into_place();
  return out;
}

}  // namespace folio
