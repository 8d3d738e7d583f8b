// What only the SQLite backend has: migrations of older files, the settings of the file, the
// schema shared with the import benchmark, and several stores (processes) on one file.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_schema.h"

namespace credence::store {
namespace {

constexpr Timestamp kT0 = Timestamp::FromSeconds(1'763'769'600);

// A raw connection to inspect or prepare a database file as another program would.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void Exec(const std::string& sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << sql << ": " << (error ? error : "");
    sqlite3_free(error);
  }

  // The first column of every row, as text.
  std::vector<std::string> Column(const std::string& sql) {
    std::vector<std::string> values;
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      values.emplace_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    sqlite3_finalize(stmt);
    return values;
  }

  sqlite3* get() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = (std::filesystem::path(::testing::TempDir()) / "credence_sqlite_test" /
            (std::string(info->name()) + "_" + std::to_string(::getpid())))
               .string();
    std::filesystem::remove_all(dir_);
    path_ = dir_ + "/credence.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Store> MustOpen(const SqliteOptions& options = {}) {
    auto store = OpenSqliteStore(path_, options);
    EXPECT_TRUE(store) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }

  std::string dir_;
  std::string path_;
};

Subject MakeSubject(const std::string& code) {
  Subject subject;
  subject.code = code;
  subject.name = "温州市某某贸易有限公司";
  subject.name_norm = subject.name;
  subject.created_at = kT0;
  subject.updated_at = kT0;
  return subject;
}

Record MakeRecord(int64_t subject_id, const std::string& department, const std::string& kind,
                  const std::string& source_ref) {
  Record record;
  record.subject_id = subject_id;
  record.department = department;
  record.kind = kind;
  record.source_ref = source_ref;
  record.decided_at = *Date::FromCivil(2024, 3, 5);
  record.publicity_start = record.decided_at;
  record.payload = "{}";
  record.created_at = kT0;
  record.updated_at = kT0;
  return record;
}

TEST_F(SqliteStoreTest, OlderFileIsMigratedForwardOnceKeepingItsData) {
  {
    auto store = MustOpen({.migrations_to_apply = 1});
    auto txn = store->BeginWrite();
    ASSERT_TRUE(txn);
    Subject subject = MakeSubject("91330302MA2A000001");
    ASSERT_TRUE((*txn)->InsertSubject(subject));
    ASSERT_TRUE((*txn)->Commit());
  }
  std::vector<std::string> versions_before;
  {
    RawDb raw(path_);
    versions_before = raw.Column("SELECT version FROM schema_migrations ORDER BY version");
    EXPECT_EQ(versions_before, std::vector<std::string>{"1"});
    EXPECT_TRUE(raw.Column("SELECT name FROM sqlite_master WHERE name = 'audit_log'").empty());
  }

  const size_t all = SqliteMigrations().size();
  std::vector<std::string> applied_at;
  {
    auto store = MustOpen();
    ASSERT_TRUE(store);
    auto subject = store->FindSubjectByCode("91330302MA2A000001");
    ASSERT_TRUE(subject && subject->has_value());
    auto txn = store->BeginWrite();
    ASSERT_TRUE(txn);
    auto head = (*txn)->AuditHead();  // the audit log of a later migration is usable
    ASSERT_TRUE(head) << head.error().ToString();
    EXPECT_EQ(head->seq, 0);
  }
  {
    RawDb raw(path_);
    auto versions = raw.Column("SELECT version FROM schema_migrations ORDER BY version");
    ASSERT_EQ(versions.size(), all);
    for (size_t i = 0; i < all; ++i) EXPECT_EQ(versions[i], std::to_string(i + 1));
    applied_at = raw.Column("SELECT applied_at FROM schema_migrations ORDER BY version");
  }
  // Opening again applies nothing: the migrations keep their first application time.
  MustOpen().reset();
  RawDb raw(path_);
  EXPECT_EQ(raw.Column("SELECT applied_at FROM schema_migrations ORDER BY version"), applied_at);
}

TEST_F(SqliteStoreTest, FileFromANewerSchemaIsRefused) {
  MustOpen().reset();
  {
    RawDb raw(path_);
    raw.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)");
  }
  auto store = OpenSqliteStore(path_);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store.error().reason(), "schema_newer");
}

TEST_F(SqliteStoreTest, FileThatIsNotADatabaseIsRefused) {
  std::filesystem::create_directories(dir_);
  {
    std::FILE* file = std::fopen(path_.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    std::string junk(8192, 'x');
    std::fwrite(junk.data(), 1, junk.size(), file);
    std::fclose(file);
  }
  auto store = OpenSqliteStore(path_);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, FileUsesWalAndTheDocumentedPageSize) {
  MustOpen().reset();
  RawDb raw(path_);
  EXPECT_EQ(raw.Column("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
  EXPECT_EQ(raw.Column("PRAGMA page_size"), std::vector<std::string>{"8192"});
}

// The benchmark's raw baseline builds its database from SqliteMigrations() and the pragmas:
// that must give exactly the schema the store creates.
TEST_F(SqliteStoreTest, ExportedSchemaIsTheStoresSchema) {
  MustOpen().reset();
  const std::string raw_path = dir_ + "/raw.db";
  {
    RawDb raw(raw_path);
    for (std::string_view pragma : SqliteWriterPragmas()) raw.Exec(std::string(pragma));
    for (std::string_view migration : SqliteMigrations()) raw.Exec(std::string(migration));
    // The exported insert statement works on it with the documented parameters.
    sqlite3_stmt* insert = nullptr;
    std::string sql(SqliteInsertRecordSql());
    ASSERT_EQ(sqlite3_prepare_v2(raw.get(), sql.c_str(), -1, &insert, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_bind_parameter_count(insert), 21);
    for (int i = 1; i <= 15; ++i) sqlite3_bind_int64(insert, i, i);
    for (int i = 16; i <= 21; ++i) sqlite3_bind_text(insert, i, "text", 4, SQLITE_STATIC);
    EXPECT_EQ(sqlite3_step(insert), SQLITE_DONE) << sqlite3_errmsg(raw.get());
    sqlite3_finalize(insert);
    EXPECT_EQ(raw.Column("SELECT source_ref FROM records"), std::vector<std::string>{"text"});
  }
  const std::string schema_sql =
      "SELECT type || ' ' || name || ': ' || sql FROM sqlite_master "
      "WHERE name <> 'schema_migrations' ORDER BY name";
  RawDb store_db(path_);
  RawDb raw_db(raw_path);
  auto store_schema = store_db.Column(schema_sql);
  EXPECT_FALSE(store_schema.empty());
  EXPECT_EQ(store_schema, raw_db.Column(schema_sql));
  EXPECT_EQ(raw_db.Column("PRAGMA page_size"), std::vector<std::string>{"8192"});
}

// Another process (here: another Store on the same file) may create keys this store's
// dictionary has never seen.
TEST_F(SqliteStoreTest, KeysCreatedByAnotherStoreOnTheSameFileAreResolved) {
  auto first = MustOpen();
  auto second = MustOpen();
  int64_t subject_id = 0;
  {
    auto txn = second->BeginWrite();
    ASSERT_TRUE(txn);
    Subject subject = MakeSubject("91330302MA2A000001");
    ASSERT_TRUE((*txn)->InsertSubject(subject));
    subject_id = subject.id;
    std::vector<Record> records = {MakeRecord(subject_id, "court", "judgment", "J-1")};
    ASSERT_TRUE((*txn)->InsertRecords(records));
    ASSERT_TRUE((*txn)->Commit());
  }
  auto read = first->FindRecordByRef("court", "J-1");
  ASSERT_TRUE(read && read->has_value()) << (read ? "" : read.error().ToString());
  EXPECT_EQ((*read)->kind, "judgment");
  EXPECT_EQ((*read)->department, "court");

  // Writing with those keys reuses them rather than creating them a second time.
  {
    auto txn = first->BeginWrite();
    ASSERT_TRUE(txn);
    std::vector<Record> records = {MakeRecord(subject_id, "court", "judgment", "J-2")};
    Status inserted = (*txn)->InsertRecords(records);
    ASSERT_TRUE(inserted) << inserted.error().ToString();
    ASSERT_TRUE((*txn)->Commit());
  }
  auto heads = second->ListRecordHeads(subject_id);
  ASSERT_TRUE(heads);
  ASSERT_EQ(heads->size(), 2u);
  EXPECT_EQ((*heads)[1].kind, "judgment");
  first.reset();
  second.reset();
  RawDb raw(path_);
  EXPECT_EQ(raw.Column("SELECT count(*) FROM record_kinds"), std::vector<std::string>{"1"});
  EXPECT_EQ(raw.Column("SELECT count(*) FROM departments"), std::vector<std::string>{"1"});
}

TEST_F(SqliteStoreTest, ClosingTheStoreLeavesEverythingInTheDatabaseFile) {
  {
    auto store = MustOpen();
    auto txn = store->BeginWrite();
    ASSERT_TRUE(txn);
    for (int i = 0; i < 2000; ++i) {
      Subject subject = MakeSubject("S" + std::to_string(i));
      subject.name.assign(600, 'n');  // enough pages to pass the checkpoint threshold
      ASSERT_TRUE((*txn)->InsertSubject(subject));
    }
    ASSERT_TRUE((*txn)->Commit());
  }
  // The last connection to close checkpointed and removed the WAL.
  EXPECT_FALSE(std::filesystem::exists(path_ + "-wal"));
  RawDb raw(path_);
  EXPECT_EQ(raw.Column("SELECT count(*) FROM subjects"), std::vector<std::string>{"2000"});
}

}  // namespace
}  // namespace credence::store

namespace credence::store {
namespace {

// Two subjects whose records were inserted interleaved; the scan groups them by subject.
TEST_F(SqliteStoreTest, RecordsAreScannedBySubjectAndDueRecordsListedById) {
  auto store = MustOpen();
  int64_t first_id = 0, second_id = 0;
  {
    auto txn = store->BeginWrite();
    ASSERT_TRUE(txn);
    Subject first = MakeSubject("91330302MA2A000001");
    Subject second = MakeSubject("91330302MA2A000002");
    ASSERT_TRUE((*txn)->InsertSubject(first));
    ASSERT_TRUE((*txn)->InsertSubject(second));
    first_id = first.id;
    second_id = second.id;
    std::vector<Record> records = {MakeRecord(second_id, "court", "judgment", "A"),
                                   MakeRecord(first_id, "court", "judgment", "B"),
                                   MakeRecord(second_id, "court", "judgment", "C"),
                                   MakeRecord(first_id, "court", "judgment", "D")};
    records[0].publicity_max_end = *Date::FromCivil(2025, 3, 5);
    records[1].publicity_max_end = *Date::FromCivil(2025, 3, 6);
    records[2].publicity_max_end = *Date::FromCivil(2025, 3, 5);
    records[2].status = RecordStatus::kWithdrawn;
    ASSERT_TRUE((*txn)->InsertRecords(records));
    ASSERT_TRUE((*txn)->Commit());
  }
  std::vector<std::string> order;
  Status scanned = store->ScanRecordsBySubject([&](const Record& record) -> Status {
    order.push_back(record.source_ref);
    return OkStatus();
  });
  ASSERT_TRUE(scanned) << scanned.error().ToString();
  EXPECT_EQ(order, (std::vector<std::string>{"B", "D", "A", "C"}));

  // Due on the last day of a window, not the day before; withdrawn and open-ended never.
  auto before = store->ListRecordsDueToExpire(*Date::FromCivil(2025, 3, 4), 0, 10);
  ASSERT_TRUE(before);
  EXPECT_TRUE(before->empty());
  auto due = store->ListRecordsDueToExpire(*Date::FromCivil(2025, 3, 6), 0, 10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_LT((*due)[0].id, (*due)[1].id);
  auto next_page = store->ListRecordsDueToExpire(*Date::FromCivil(2025, 3, 6), (*due)[0].id, 10);
  ASSERT_TRUE(next_page);
  ASSERT_EQ(next_page->size(), 1u);
  EXPECT_EQ((*next_page)[0].id, (*due)[1].id);
}

}  // namespace
}  // namespace credence::store
