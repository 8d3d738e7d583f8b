// Import throughput: NDJSON department feeds through the full ingest path into SQLite, against
// the limit of raw SQLite inserts of the same rows into the same schema, indexes and settings.
//
//   build/import_bench [--subjects N] [--seed S] [--dir DIR]
//
// 1. Generates the demo city's feeds for N subjects (default 200,000: about a million records)
//    in memory, so that generation is not timed.
// 2. Times Ingestor::Submit over every batch into a fresh store: parsing, validation, subject
//    resolution, idempotency look-ups, history, audit chain and the batch report included.
// 3. Reads the stored record rows back and times inserting them, with the store's own INSERT
//    statement, into a fresh database built by the store's own migrations and pragmas, in
//    transactions of the same size. That is the limit: no parsing, no validation, no look-ups.
// Prints both rates and their ratio. Targets: ≥ 150,000 records/s and ≥ 40% of the limit.
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/common.h"
#include "demo/demo.h"
#include "ingest/ingest.h"
#include "policy/policy.h"
#include "store/sqlite/sqlite_schema.h"
#include "store/store.h"

namespace fs = std::filesystem;
using namespace credence;

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void Check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

void Exec(sqlite3* db, std::string_view sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, std::string(sql).c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(sql.size()), sql.data(), error);
    std::exit(1);
  }
}

// One stored record row, as the columns of the store's INSERT statement.
struct Row {
  sqlite3_value* values[21];
};

}  // namespace

int main(int argc, char** argv) {
  int64_t subjects = 200000;
  uint64_t seed = 1;
  fs::path dir = fs::temp_directory_path() / "credence-import-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--subjects") == 0) subjects = std::atoll(argv[i + 1]);
    if (std::strcmp(argv[i], "--seed") == 0) seed = std::strtoull(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
  }
  fs::remove_all(dir);
  fs::create_directories(dir);

  auto catalog = policy::LoadCatalog(policy::DefaultPolicyDir());
  if (!catalog) {
    std::fprintf(stderr, "%s\n", catalog.error().ToString().c_str());
    return 1;
  }
  FixedClock clock(Timestamp::Parse("2026-11-22T04:00:00Z").value());

  // 1. Feeds in memory.
  std::vector<std::pair<std::string, std::string>> feeds;
  demo::DemoOptions options;
  options.subjects = subjects;
  options.seed = seed;
  options.today = clock.Today();
  auto started = std::chrono::steady_clock::now();
  auto generated = demo::GenerateFeeds(
      *catalog, options, [&](std::string_view department, std::string ndjson) -> Status {
        feeds.emplace_back(std::string(department), std::move(ndjson));
        return OkStatus();
      });
  if (!generated) {
    std::fprintf(stderr, "%s\n", generated.error().ToString().c_str());
    return 1;
  }
  int64_t bytes = 0;
  for (const auto& feed : feeds) bytes += static_cast<int64_t>(feed.second.size());
  std::printf("generated %zu batches, %.1f MB of NDJSON in %.2f s\n", feeds.size(), bytes / 1e6,
              Seconds(started));

  // 2. The full ingest path.
  std::string ingest_path = (dir / "ingest.db").string();
  int64_t records = 0;
  double ingest_seconds = 0;
  {
    auto store = store::Store::Open("sqlite:" + ingest_path);
    if (!store) {
      std::fprintf(stderr, "%s\n", store.error().ToString().c_str());
      return 1;
    }
    ingest::Ingestor ingestor(**store, *catalog, clock);
    started = std::chrono::steady_clock::now();
    for (const auto& [department, ndjson] : feeds) {
      ingest::BatchInput input{department, "bench", "bench", ingest::Format::kNdjson, ndjson};
      auto report = ingestor.Submit(input);
      if (!report || report->rejected != 0) {
        std::fprintf(stderr, "ingest failed: %s\n",
                     report ? "rows rejected" : report.error().ToString().c_str());
        return 1;
      }
      records += report->accepted;
    }
    ingest_seconds = Seconds(started);
  }
  double ingest_rate = records / ingest_seconds;
  std::printf("ingest:   %lld records in %.2f s = %.0f records/s\n",
              static_cast<long long>(records), ingest_seconds, ingest_rate);

  // 3. The limit: the same rows, raw.
  sqlite3* source = nullptr;
  Check(sqlite3_open_v2(ingest_path.c_str(), &source, SQLITE_OPEN_READONLY, nullptr), source,
        "open");
  std::string raw_path = (dir / "raw.db").string();
  sqlite3* raw = nullptr;
  Check(sqlite3_open(raw_path.c_str(), &raw), raw, "open raw");
  for (std::string_view pragma : store::SqliteWriterPragmas()) Exec(raw, pragma);
  for (std::string_view migration : store::SqliteMigrations()) Exec(raw, migration);
  // Subjects, departments and kinds first (untimed): the record rows refer to them.
  Exec(raw, fmt::format("ATTACH DATABASE '{}' AS src", ingest_path));
  Exec(raw, "INSERT INTO main.subjects SELECT * FROM src.subjects");
  Exec(raw, "INSERT INTO main.departments SELECT * FROM src.departments");
  Exec(raw, "INSERT INTO main.record_kinds SELECT * FROM src.record_kinds");
  Exec(raw, "DETACH DATABASE src");

  // Load the rows into memory in the INSERT's column order.
  sqlite3_stmt* select = nullptr;
  Check(sqlite3_prepare_v2(source,
                           "SELECT subject_id, department_id, kind_id, status, published, flagged, "
                           "version, decided_at, publicity_start, publicity_min_end, "
                           "publicity_max_end, content_hash, batch_id, created_at, updated_at, "
                           "tier, source_ref, document_no, legal_basis, status_reason, payload "
                           "FROM records ORDER BY id",
                           -1, &select, nullptr),
        source, "select");
  std::vector<Row> rows;
  rows.reserve(records);
  while (sqlite3_step(select) == SQLITE_ROW) {
    Row row;
    for (int column = 0; column < 21; ++column) {
      row.values[column] = sqlite3_value_dup(sqlite3_column_value(select, column));
    }
    rows.push_back(row);
  }
  sqlite3_finalize(select);
  sqlite3_close(source);

  sqlite3_stmt* insert = nullptr;
  std::string insert_sql(store::SqliteInsertRecordSql());
  Check(sqlite3_prepare_v2(raw, insert_sql.c_str(), -1, &insert, nullptr), raw, "prepare");
  const size_t batch = static_cast<size_t>(options.batch_rows);
  started = std::chrono::steady_clock::now();
  for (size_t i = 0; i < rows.size(); i += batch) {
    Exec(raw, "BEGIN IMMEDIATE");
    for (size_t j = i; j < std::min(rows.size(), i + batch); ++j) {
      for (int column = 0; column < 21; ++column) {
        sqlite3_bind_value(insert, column + 1, rows[j].values[column]);
      }
      Check(sqlite3_step(insert), raw, "insert");
      sqlite3_reset(insert);
    }
    Exec(raw, "COMMIT");
  }
  double raw_seconds = Seconds(started);
  sqlite3_finalize(insert);
  sqlite3_close(raw);
  for (Row& row : rows) {
    for (sqlite3_value* value : row.values) sqlite3_value_free(value);
  }
  double raw_rate = rows.size() / raw_seconds;
  std::printf("raw:      %zu rows in %.2f s = %.0f rows/s (same schema, indexes, settings)\n",
              rows.size(), raw_seconds, raw_rate);
  std::printf("RESULT import_records_per_second=%.0f target=150000 ratio_to_target=%.2f\n",
              ingest_rate, ingest_rate / 150000);
  std::printf("RESULT import_vs_raw_sqlite=%.2f target=0.40\n", ingest_rate / raw_rate);
  fs::remove_all(dir);
  return 0;
}
