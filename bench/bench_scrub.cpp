// What folio's page scrubber (src/store/scrub.cpp) costs when SQLite writes:
// the same work with scrubbing off and on, taking turns round by round, in
// one process, on files in --dir (default: the current directory).
//
//   churn: bench_stale_cells.py's mix of inserts, deletes and changes of rows
//          of 5-120 words, one transaction each (the pages a journal's small
//          writes touch, many of them rebuilt by rebalances);
//   blob:  one 64 MiB BLOB written in 1 MiB pieces through incremental I/O in
//          one transaction, as `attach` stores a file (overflow pages, which
//          the scrubber decrypts, finds not to be b-tree pages and leaves).
//
// synchronous = OFF for both, so that the figures are the CPU of writing
// pages and not the disk's syncs (which the scrubber does not change).
// Prints the median wall-clock and CPU time of each over the rounds, the
// ratios on / off, and the pages scrubbed in one run. Build and run:
//
//   cmake --build build --target bench_scrub
//   build/bench/bench_scrub --rounds 5 --dir /tmp
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "folio/secret.h"
#include "store/database.h"
#include "store/scrub.h"

using namespace folio;
namespace fs = std::filesystem;

namespace {

Secret random_key() {
  Secret key(32);
  random_bytes(key.data(), key.size());
  return key;
}

Database fresh(const fs::path& file, const Secret& key) {
  fs::remove(file);
  Database db = Database::open(file, key, Database::Mode::create_new);
  db.exec("PRAGMA synchronous = OFF");
  return db;
}

void churn(const fs::path& file, int operations) {
  Secret key = random_key();
  Database db = fresh(file, key);
  std::mt19937 r(7);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(r); };
  auto body = [&] {
    std::string b;
    for (int i = uniform(5, 120); i > 0; --i) b += "w" + std::to_string(uniform(100, 999)) + " ";
    return b;
  };
  db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  std::vector<std::int64_t> live;
  for (int i = 1; i <= operations; ++i) {
    db.exec("BEGIN");
    Statement add = db.prepare("INSERT INTO t(id, body) VALUES (?1, ?2)");
    add.bind(1, std::int64_t{i}).bind(2, body());
    add.step();
    live.push_back(i);
    if (i > 51 && uniform(0, 99) < 40) {
      std::size_t at = static_cast<std::size_t>(uniform(0, static_cast<int>(live.size()) - 1));
      Statement del = db.prepare("DELETE FROM t WHERE id = ?1");
      del.bind(1, live[at]);
      del.step();
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(at));
    }
    if (uniform(0, 99) < 10) {
      Statement up = db.prepare("UPDATE t SET body = ?2 WHERE id = ?1");
      up.bind(1, live[static_cast<std::size_t>(uniform(0, static_cast<int>(live.size()) - 1))]).bind(2, body());
      up.step();
    }
    db.exec("COMMIT");
  }
}

void blob(const fs::path& file, int mib) {
  Secret key = random_key();
  Database db = fresh(file, key);
  db.exec("CREATE TABLE b(id INTEGER PRIMARY KEY, data BLOB NOT NULL)");
  std::string piece(1 << 20, '\0');
  std::mt19937_64 r(9);
  for (std::size_t i = 0; i < piece.size(); i += 8) {
    std::uint64_t v = r();
    std::memcpy(&piece[i], &v, 8);
  }
  db.exec("BEGIN");
  for (int i = 0; i < mib; ++i) {
    Statement ins = db.prepare("INSERT INTO b(data) VALUES (zeroblob(1048576))");
    ins.step();
    Blob w = db.open_blob("b", "data", db.last_insert_id(), true);
    w.write(piece.data(), static_cast<int>(piece.size()), 0);
  }
  db.exec("COMMIT");
}

// CPU seconds (user + system) of this process: less disturbed by other load
// than the wall clock, and the scrubber's cost is CPU.
double cpu_now() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

struct Took {
  double wall, cpu;
};

Took measure(void (*work)(const fs::path&, int), const fs::path& file, int n) {
  auto start = std::chrono::steady_clock::now();
  double cpu = cpu_now();
  work(file, n);
  return {std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), cpu_now() - cpu};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 5, operations = 6000, mib = 64;
  fs::path dir = ".";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string opt = argv[i];
    if (opt == "--rounds") rounds = std::atoi(argv[i + 1]);
    else if (opt == "--operations") operations = std::atoi(argv[i + 1]);
    else if (opt == "--mib") mib = std::atoi(argv[i + 1]);
    else if (opt == "--dir") dir = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: bench_scrub [--rounds N] [--operations N] [--mib N] [--dir DIR]\n");
      return 2;
    }
  }
  const fs::path file = dir / "bench_scrub.db";
  struct Work {
    const char* name;
    void (*run)(const fs::path&, int);
    int n;
  };
  const Work works[] = {{"churn", churn, operations}, {"blob", blob, mib}};
  std::printf("rounds: %d (median), churn: %d operations, blob: %d MiB, synchronous = OFF\n\n", rounds,
              operations, mib);
  std::printf("%-8s %10s %10s %9s %10s %10s %9s %15s\n", "work", "wall off", "wall on", "on/off", "CPU off",
              "CPU on", "on/off", "pages scrubbed");
  try {
    for (const Work& w : works) {
      std::vector<double> wall_off, wall_on, cpu_off, cpu_on;
      long scrubbed = 0;
      for (int k = 0; k < rounds; ++k) {
        set_page_scrubbing(false);
        Took off = measure(w.run, file, w.n);
        set_page_scrubbing(true);
        long before = scrubbed_page_count();
        Took on = measure(w.run, file, w.n);
        scrubbed = scrubbed_page_count() - before;
        wall_off.push_back(off.wall);
        wall_on.push_back(on.wall);
        cpu_off.push_back(off.cpu);
        cpu_on.push_back(on.cpu);
      }
      std::printf("%-8s %10.3f %10.3f %8.2fx %10.3f %10.3f %8.2fx %15ld\n", w.name, median(wall_off),
                  median(wall_on), median(wall_on) / median(wall_off), median(cpu_off), median(cpu_on),
                  median(cpu_on) / median(cpu_off), scrubbed);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_scrub: %s\n", e.what());
    return 1;
  }
  fs::remove(file);
  return 0;
}
