#include "audit/audit.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace credence::audit {
namespace {

constexpr Timestamp kAt = Timestamp::FromSeconds(1'763'769'600);  // 2025-11-22T00:00:00Z

std::string Be64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, value >>= 8) out[i] = static_cast<char>(value & 0xff);
  return out;
}

std::string Lp(const std::string& text) {
  uint32_t size = static_cast<uint32_t>(text.size());
  std::string out(4, '\0');
  for (int i = 3; i >= 0; --i, size >>= 8) out[i] = static_cast<char>(size & 0xff);
  return out + text;
}

store::AuditEntry SampleEntry() {
  store::AuditEntry entry;
  entry.seq = 258;  // two bytes, to catch a byte order mistake
  entry.at = Timestamp::FromMicros(0x0102030405060708);
  entry.actor = "department:court";
  entry.action = "record.insert";
  entry.object = "record:123@2";
  entry.digest = std::string(AsBytes(Sha256("the record's content")));
  return entry;
}

TEST(EntryHashTest, HashesTheDocumentedLayout) {
  store::AuditEntry entry = SampleEntry();
  std::string previous(32, '\x5a');
  // The layout spelled out byte by byte, hashed in one piece.
  std::string layout = previous + Be64(258) + Be64(0x0102030405060708) + Lp(entry.actor) +
                       Lp(entry.action) + Lp(entry.object) + entry.digest;
  EXPECT_EQ(EntryHash(previous, entry), std::string(AsBytes(Sha256(layout))));
  // The first entry chains from an empty hash.
  std::string first_layout = Be64(258) + Be64(0x0102030405060708) + Lp(entry.actor) +
                             Lp(entry.action) + Lp(entry.object) + entry.digest;
  EXPECT_EQ(EntryHash("", entry), std::string(AsBytes(Sha256(first_layout))));
  EXPECT_EQ(EntryHash("", entry).size(), 32u);
}

TEST(EntryHashTest, EveryFieldChangesTheHash) {
  const store::AuditEntry base = SampleEntry();
  const std::string previous(32, '\x01');
  const std::string hash = EntryHash(previous, base);
  std::vector<store::AuditEntry> changed(6, base);
  changed[0].seq += 1;
  changed[1].at = Timestamp::FromMicros(base.at.micros() + 1);
  changed[2].actor += "x";
  changed[3].action = "record.revise";
  changed[4].object = "record:123@3";
  changed[5].digest[0] ^= 1;
  for (const store::AuditEntry& entry : changed) EXPECT_NE(EntryHash(previous, entry), hash);
  EXPECT_NE(EntryHash(std::string(32, '\x02'), base), hash);
  // Length prefixes keep field boundaries: moving a character across them changes the hash.
  store::AuditEntry shifted = base;
  shifted.actor = "department:cour";
  shifted.action = "trecord.insert";
  EXPECT_NE(EntryHash(previous, shifted), hash);
}

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = (std::filesystem::path(::testing::TempDir()) / "credence_audit_test" /
            (std::string(info->name()) + "_" + std::to_string(::getpid())))
               .string();
    std::filesystem::remove_all(dir_);
    path_ = dir_ + "/credence.db";
    Open();
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Open() {
    auto opened = store::Store::Open("sqlite:" + path_);
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
  }

  // Appends count events in one transaction, numbered from first.
  void AppendEvents(int first, int count) {
    std::vector<Event> events;
    for (int i = first; i < first + count; ++i) {
      Event event;
      event.actor = i % 2 ? "department:court" : "cli";
      event.action = "record.insert";
      event.object = "record:" + std::to_string(i) + "@1";
      event.digest = Sha256("content of record " + std::to_string(i));
      events.push_back(std::move(event));
    }
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn);
    Status appended = Append(**txn, kAt, events);
    ASSERT_TRUE(appended) << appended.error().ToString();
    ASSERT_TRUE((*txn)->Commit());
  }

  // Runs SQL on the database file directly, as someone with access to the disk could.
  void Tamper(const std::string& sql, int rows_changed = 1) {
    store_.reset();  // closed: the WAL is checkpointed into the file
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    EXPECT_EQ(sqlite3_changes(db), rows_changed) << sql;
    sqlite3_close(db);
    Open();
  }

  VerifyReport MustVerify() {
    auto report = Verify(*store_);
    EXPECT_TRUE(report) << report.error().ToString();
    return report ? *report : VerifyReport{};
  }

  std::string dir_;
  std::string path_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(AuditLogTest, EmptyLogVerifies) {
  VerifyReport report = MustVerify();
  EXPECT_TRUE(report.ok);
  EXPECT_EQ(report.entries, 0);
  EXPECT_EQ(report.first_broken_seq, 0);
  EXPECT_EQ(report.head_hash_hex, "");
}

TEST_F(AuditLogTest, AppendedEntriesChainAcrossTransactions) {
  AppendEvents(1, 3);
  AppendEvents(4, 2);
  std::vector<store::AuditEntry> entries;
  ASSERT_TRUE(store_->ScanAudit(1, [&](const store::AuditEntry& entry) {
    entries.push_back(entry);
    return OkStatus();
  }));
  ASSERT_EQ(entries.size(), 5u);
  std::string previous;
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(entries[i].at, kAt);
    EXPECT_EQ(entries[i].object, "record:" + std::to_string(i + 1) + "@1");
    EXPECT_EQ(entries[i].digest,
              std::string(AsBytes(Sha256("content of record " + std::to_string(i + 1)))));
    EXPECT_EQ(entries[i].hash, EntryHash(previous, entries[i]));
    previous = entries[i].hash;
  }

  VerifyReport report = MustVerify();
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.entries, 5);
  EXPECT_EQ(report.first_broken_seq, 0);
  EXPECT_EQ(report.head_hash_hex, HexEncode(entries.back().hash));
}

TEST_F(AuditLogTest, RolledBackAppendLeavesNoEntries) {
  AppendEvents(1, 2);
  {
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn);
    Event event{"cli", "record.insert", "record:9@1", Sha256("x")};
    ASSERT_TRUE(Append(**txn, kAt, {&event, 1}));
  }
  AppendEvents(3, 1);  // continues from entry 2
  VerifyReport report = MustVerify();
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.entries, 3);
}

TEST_F(AuditLogTest, ChangedActorBreaksTheChainAtThatEntry) {
  AppendEvents(1, 6);
  Tamper("UPDATE audit_log SET actor = 'department:tax' WHERE seq = 4");
  VerifyReport report = MustVerify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 4);
  EXPECT_EQ(report.entries, 4);
  EXPECT_NE(report.message.find("hash"), std::string::npos) << report.message;
}

TEST_F(AuditLogTest, ChangedDigestBreaksTheChainAtThatEntry) {
  AppendEvents(1, 6);
  Tamper("UPDATE audit_log SET digest = zeroblob(32) WHERE seq = 2");
  VerifyReport report = MustVerify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 2);
}

TEST_F(AuditLogTest, MalformedDigestIsReported) {
  AppendEvents(1, 3);
  Tamper("UPDATE audit_log SET digest = zeroblob(31) WHERE seq = 3");
  VerifyReport report = MustVerify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 3);
  EXPECT_NE(report.message.find("digest"), std::string::npos) << report.message;
}

TEST_F(AuditLogTest, RecomputedHashOfAChangedEntryIsCaughtByTheNextEntry) {
  AppendEvents(1, 5);
  // Whoever changes entry 2 and rewrites its hash to match still breaks entry 3, whose hash
  // covers entry 2's original hash.
  store::AuditEntry second;
  ASSERT_TRUE(store_
                  ->ScanAudit(2,
                              [&](const store::AuditEntry& entry) -> Status {
                                second = entry;
                                return Fail(Error::Internal("stop"));
                              })
                  .error()
                  .message() == "stop");
  std::string first_hash;
  ASSERT_TRUE(store_
                  ->ScanAudit(1,
                              [&](const store::AuditEntry& entry) -> Status {
                                first_hash = entry.hash;
                                return Fail(Error::Internal("stop"));
                              })
                  .error()
                  .message() == "stop");
  second.object = "record:999@1";
  std::string forged = HexEncode(EntryHash(first_hash, second));
  Tamper("UPDATE audit_log SET object = 'record:999@1', hash = x'" + forged + "' WHERE seq = 2");
  VerifyReport report = MustVerify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 3);
}

TEST_F(AuditLogTest, DeletedEntryIsReportedAsMissing) {
  AppendEvents(1, 6);
  Tamper("DELETE FROM audit_log WHERE seq = 3");
  VerifyReport report = MustVerify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 3);
  EXPECT_NE(report.message.find("missing"), std::string::npos) << report.message;
}

TEST_F(AuditLogTest, SwappedEntriesBreakTheChainAtTheFirst) {
  AppendEvents(1, 6);
  Tamper(
      "UPDATE audit_log SET object = CASE seq WHEN 4 THEN 'record:5@1' ELSE 'record:4@1' END, "
      "hash = (SELECT hash FROM audit_log AS other WHERE other.seq = 9 - audit_log.seq) "
      "WHERE seq = 4 OR seq = 5",
      /*rows_changed=*/2);
  VerifyReport report = MustVerify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_seq, 4);
}

}  // namespace
}  // namespace credence::audit
