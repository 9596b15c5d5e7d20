// Attached documents: stored in 1 MiB chunks, each written and read through
// SQLite's incremental blob I/O, so memory stays flat whatever the file size.
//
// SQLCipher encrypts (or decrypts and authenticates) every page in the thread
// that writes (or reads) it, so the BLAKE2b of a chunk, and when extracting
// the write of it to the output, run on a second thread (Worker) while this
// one goes on with the next chunks: six 1 MiB buffers take turns, and a
// buffer is filled again only after the job on it has finished. The database
// connection is used by this thread alone.
//
// Invariant: an attachment row exists only with all its chunks and its final
// hash, because the row and the chunks are written in one transaction.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "checklist/refs.h"
#include "crypto/hash.h"
#include "folio/checklist.h"
#include "folio/dates.h"
#include "folio/error.h"
#include "folio/i18n.h"
#include "folio/secret.h"
#include "folio/text.h"
#include "store/database.h"
#include "store/ids.h"
#include "search/index.h"

namespace folio {
namespace {

constexpr std::size_t kChunk = 1 << 20;     // stored chunk, and the piece read or written at once

Attachment load_attachment(Database& db, std::int64_t row) {
  Statement st = db.prepare(
      "SELECT a.uid, i.uid, a.name, a.media_type, a.size, a.blake2b, a.created "
      "FROM attachments a JOIN items i ON i.id = a.item_id WHERE a.id = ?1");
  st.bind(1, row);
  if (!st.step()) throw Error(Errc::not_found, tr("the attachment disappeared while reading it"));
  Attachment a;
  a.id = st.text(0);
  a.item_id = st.text(1);
  a.name = st.text(2);
  a.media_type = st.text(3);
  a.size = static_cast<std::uint64_t>(st.integer(4));
  a.blake2b = st.text(5);
  a.created = parse_utc(st.text(6));
  return a;
}

// Fills `buf` from `fd` as far as it can; returns the bytes read.
std::size_t read_full(int fd, std::uint8_t* buf, std::size_t size, const std::string& name) {
  std::size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, buf + got, size - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(Errc::io, trf("cannot read {0}: {1}; nothing was stored", name, std::strerror(errno)));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return got;
}

void write_full(int fd, const std::uint8_t* data, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      throw Error(Errc::io, trf("cannot write the extracted file: {0}", std::strerror(err)),
                  err == ENOSPC ? tr("free some disk space and try again") : "");
    }
    done += static_cast<std::size_t>(n);
  }
}

// A plaintext buffer that is wiped when it goes away.
struct Buffer {
  explicit Buffer(std::size_t n) : bytes(n) {}
  ~Buffer() { wipe(bytes.data(), bytes.size()); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  std::vector<std::uint8_t> bytes;
};

// A second thread that runs jobs one after another, in the order given.
// push() queues one, first waiting until fewer than kDepth - 1 are queued or
// running, so that the job kDepth before the one pushed next has finished
// and its buffer can be filled again (see Buffers); wait()
// returns once all have run, and rethrows the first exception one threw
// (the jobs after it are dropped). Destroying it drops the jobs not started
// and joins the thread: declare it after everything its jobs use.
class Worker {
 public:
  static constexpr std::size_t kDepth = 6;  // buffers; at most kDepth - 1 jobs in flight

  Worker() : thread_([this] { run(); }) {}
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  void push(std::function<void()> job) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return jobs_.size() + running_ + 1 < kDepth || error_; });
    rethrow(lock);
    jobs_.push_back(std::move(job));
    changed_.notify_all();
  }

  void wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return (jobs_.empty() && running_ == 0) || error_; });
    rethrow(lock);
  }

 private:
  void rethrow(std::unique_lock<std::mutex>& lock) {
    if (!error_) return;
    std::exception_ptr e = error_;
    lock.unlock();
    std::rethrow_exception(e);
  }

  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      changed_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
      if (stop_) return;
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      running_ = 1;
      lock.unlock();
      std::exception_ptr failed;
      try {
        job();
      } catch (...) {
        failed = std::current_exception();
      }
      lock.lock();
      running_ = 0;
      if (failed) {
        error_ = failed;
        jobs_.clear();
      }
      changed_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> jobs_;
  std::size_t running_ = 0;
  std::exception_ptr error_;
  bool stop_ = false;
  std::thread thread_;  // last: started once the rest is ready
};

// kDepth plaintext buffers of one chunk each, taken in turn: buffer i % kDepth
// is filled for job i only after job i - kDepth, its last user, has finished
// (Worker::push).
struct Buffers {
  explicit Buffers(std::size_t each) {
    for (auto& b : ring) b = std::make_unique<Buffer>(each);
  }
  std::uint8_t* operator[](std::size_t i) { return ring[i % Worker::kDepth]->bytes.data(); }
  std::unique_ptr<Buffer> ring[Worker::kDepth];
};

// The largest image or PDF read whole into memory for its metadata; a
// larger one is stored as it is, streamed, and said to be unchecked.
constexpr std::uint64_t kMaxMetadataBytes = 64ull << 20;

}  // namespace

std::string media_type_for(const std::string& name) {
  auto dot = name.rfind('.');
  std::string ext = dot == std::string::npos ? "" : name.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  static const std::pair<const char*, const char*> kTypes[] = {
      {"pdf", "application/pdf"},   {"jpg", "image/jpeg"},  {"jpeg", "image/jpeg"},
      {"png", "image/png"},         {"heic", "image/heic"}, {"gif", "image/gif"},
      {"webp", "image/webp"},       {"tif", "image/tiff"},  {"tiff", "image/tiff"},
      {"txt", "text/plain"},        {"md", "text/markdown"}, {"csv", "text/csv"},
      {"doc", "application/msword"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"odt", "application/vnd.oasis.opendocument.text"},
      {"zip", "application/zip"},   {"json", "application/json"}};
  for (const auto& [e, t] : kTypes) {
    if (ext == e) return t;
  }
  return "application/octet-stream";
}

void check_attach_options(const std::filesystem::path& path, const AttachOptions& options) {
  // The name attach() stores, and so the media type it goes by.
  if (options.strip_metadata) check_strippable(media_type_for(safe_file_name(path.filename().string())));
}

Attachment Checklists::attach(const std::string& item_ref, const std::filesystem::path& path,
                              const Progress& progress, const AttachOptions& options) {
  std::string shown = path.string();
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) throw Error(Errc::not_found, trf("no file {0}", shown));
    throw Error(Errc::io, trf("cannot read {0}: {1}", shown, std::strerror(err)));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw Error(Errc::io, trf("cannot read {0}: {1}", shown, std::strerror(errno)));
  if (S_ISDIR(st.st_mode)) {
    throw Error(Errc::invalid_argument, trf("{0} is a folder", shown), tr("attach one file at a time"));
  }
  if (!S_ISREG(st.st_mode)) throw Error(Errc::invalid_argument, trf("{0} is not a regular file", shown));
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  // Stored as a plain file name, so that every later writer of the name
  // (extract, export, import) takes it as it is.
  std::string name = safe_file_name(path.filename().string());
  const std::string media_type = media_type_for(name);
  const MetadataFormat format = metadata_format(media_type);
  check_attach_options(path, options);
  if (options.strip_metadata && size > kMaxMetadataBytes) {
    throw Error(Errc::refused, trf("{0} is too large to strip its metadata in memory (over 64 MiB)", shown),
                tr("attach it without --strip-metadata"));
  }
  // An image or a PDF is read whole, in memory (wiped when done), to read
  // and perhaps strip its metadata; the bytes stored are then these.
  std::optional<Buffer> whole;
  if (format != MetadataFormat::none && size <= kMaxMetadataBytes) {
    whole.emplace(static_cast<std::size_t>(size));
    std::size_t got = size == 0 ? 0 : read_full(fd, whole->bytes.data(), whole->bytes.size(), shown);
    std::uint8_t extra = 0;
    if (got != size || read_full(fd, &extra, 1, shown) != 0) {
      throw Error(Errc::io, trf("{0} changed while it was being read; nothing was stored", shown),
                  tr("attach it again once nothing is writing to it"));
    }
    MediaMetadata found = read_metadata(whole->bytes.data(), whole->bytes.size(), media_type);
    if (options.strip_metadata) {
      if (!found.readable) {
        throw Error(Errc::invalid_argument,
                    trf("cannot remove the metadata of {0}: {1}; nothing was stored", shown, found.error),
                    tr("check that it is the image its name says, or attach it without --strip-metadata"));
      }
      std::vector<std::uint8_t> clean = strip_metadata(whole->bytes.data(), whole->bytes.size(), media_type);
      Buffer stripped(clean.size());
      std::copy(clean.begin(), clean.end(), stripped.bytes.begin());
      wipe(clean.data(), clean.size());
      whole->bytes.swap(stripped.bytes);
    }
    if (options.found != nullptr) *options.found = std::move(found);
  } else if (options.found != nullptr) {
    *options.found = MediaMetadata{};
    options.found->format = format;
    if (format != MetadataFormat::none) {
      options.found->readable = false;
      options.found->error = tr("it is too large to be checked in memory (over 64 MiB)");
    }
  }
  const std::uint64_t stored_size = whole ? whole->bytes.size() : size;

  Database::Transaction tx(*db_);
  std::int64_t item = resolve_item(*db_, item_ref);
  Statement ins = db_->prepare(
      "INSERT INTO attachments(uid, item_id, name, media_type, size, blake2b, created) "
      "VALUES (?1, ?2, ?3, ?4, ?5, '', ?6)");
  ins.bind(1, new_uid(*db_, IdTable::attachments)).bind(2, item).bind(3, name);
  ins.bind(4, media_type).bind(5, static_cast<std::int64_t>(stored_size));
  ins.bind(6, format_utc(now_utc()));
  ins.step();
  std::int64_t row = db_->last_insert_id();

  Statement chunk = db_->prepare(
      "INSERT INTO attachment_chunks(attachment_id, seq, data) VALUES (?1, ?2, zeroblob(?3))");
  Buffers bufs(whole ? 0 : kChunk);
  Blake2b hash;
  Worker hashing;
  std::uint64_t done = 0;
  for (std::int64_t seq = 0;; ++seq) {
    // Hashes of earlier chunks may still be running, on other buffers.
    std::uint8_t* buf = bufs[static_cast<std::size_t>(seq)];
    const std::uint8_t* piece = buf;
    std::size_t n = 0;
    if (whole) {
      n = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, stored_size - done));
      piece = whole->bytes.data() + done;
    } else {
      n = read_full(fd, buf, kChunk, shown);
    }
    if (n == 0) break;
    hashing.push([&hash, piece, n] { hash.update(piece, n); });
    chunk.bind(1, row).bind(2, seq).bind(3, static_cast<std::int64_t>(n));
    chunk.step();
    chunk.reset();
    Blob blob = db_->open_blob("attachment_chunks", "data", db_->last_insert_id(), true);
    blob.write(piece, static_cast<int>(n), 0);
    done += n;
    if (done > stored_size) break;
    if (progress) progress(done, stored_size);
  }
  hashing.wait();
  if (done != stored_size) {
    throw Error(Errc::io, trf("{0} changed while it was being read; nothing was stored", shown),
                tr("attach it again once nothing is writing to it"));
  }
  Statement fin = db_->prepare("UPDATE attachments SET blake2b = ?1 WHERE id = ?2");
  fin.bind(1, hash.hex()).bind(2, row);
  fin.step();
  index_attachment(*db_, row);
  Attachment a = load_attachment(*db_, row);
  tx.commit();
  return a;
}

std::vector<Attachment> Checklists::attachments(const std::string& item_ref) const {
  std::int64_t item = resolve_item(*db_, item_ref);
  Statement st = db_->prepare("SELECT id FROM attachments WHERE item_id = ?1 ORDER BY created, id");
  st.bind(1, item);
  std::vector<std::int64_t> rows;
  while (st.step()) rows.push_back(st.integer(0));
  std::vector<Attachment> out;
  for (auto r : rows) out.push_back(load_attachment(*db_, r));
  return out;
}

Attachment Checklists::get_attachment(const std::string& ref) const {
  return load_attachment(*db_, resolve_attachment(*db_, ref));
}

void Checklists::extract(const std::string& attachment_ref, int fd, const Progress& progress) const {
  std::int64_t row = resolve_attachment(*db_, attachment_ref);
  Attachment a = load_attachment(*db_, row);
  Statement st = db_->prepare(
      "SELECT id FROM attachment_chunks WHERE attachment_id = ?1 ORDER BY seq");
  st.bind(1, row);
  Buffers bufs(kChunk);
  Blake2b hash;
  Worker output;
  std::uint64_t done = 0;
  std::size_t turn = 0;
  while (st.step()) {
    Blob blob = db_->open_blob("attachment_chunks", "data", st.integer(0), false);
    int total = blob.size();
    for (int off = 0; off < total; ++turn) {
      // Earlier pieces may still be hashed and written, from other buffers.
      std::uint8_t* piece = bufs[turn];
      int n = std::min<int>(static_cast<int>(kChunk), total - off);
      blob.read(piece, n, off);
      output.push([&hash, fd, piece, n] {
        hash.update(piece, static_cast<std::size_t>(n));
        write_full(fd, piece, static_cast<std::size_t>(n));
      });
      off += n;
      done += static_cast<std::uint64_t>(n);
    }
    if (progress) progress(done, a.size);
  }
  output.wait();
  if (done != a.size || hash.hex() != a.blake2b) {
    throw Error(Errc::corrupt,
                trf("attachment {0} does not match its stored checksum; the output is damaged", a.id),
                tr("restore the vault from a backup"));
  }
}

void Checklists::remove_attachment(const std::string& ref) {
  Database::Transaction tx(*db_);
  std::int64_t row = resolve_attachment(*db_, ref);
  unindex_record(*db_, RecordKind::attachment, row);
  Statement del = db_->prepare("DELETE FROM attachments WHERE id = ?1");
  del.bind(1, row);
  del.step();
  tx.commit();
}

}  // namespace folio
