#include "audit/audit.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
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

// --- an independent RFC 6962 / RFC 9162 verifier, as an outside party would write it ---

Hash TestLeaf(std::string_view data) { return Sha256(std::string(1, '\0') + std::string(data)); }

Hash TestNode(const Hash& left, const Hash& right) {
  return Sha256(std::string(1, '\1') + std::string(AsBytes(left)) + std::string(AsBytes(right)));
}

bool IsPowerOfTwo(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

// MTH by the definition of RFC 6962 §2.1, over all leaf hashes.
Hash ReferenceRoot(std::span<const Hash> leaves) {
  if (leaves.empty()) return Sha256("");
  if (leaves.size() == 1) return leaves[0];
  size_t k = 1;
  while (k * 2 < leaves.size()) k *= 2;
  return TestNode(ReferenceRoot(leaves.first(k)), ReferenceRoot(leaves.subspan(k)));
}

// RFC 9162 §2.1.3.2.
bool VerifyInclusion(const Hash& leaf_hash, int64_t leaf_index, int64_t tree_size,
                     std::span<const Hash> proof, const Hash& root) {
  if (leaf_index < 0 || leaf_index >= tree_size) return false;
  uint64_t fn = static_cast<uint64_t>(leaf_index);
  uint64_t sn = static_cast<uint64_t>(tree_size - 1);
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      r = TestNode(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = TestNode(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

// RFC 9162 §2.1.4.2.
bool VerifyConsistency(int64_t first, int64_t second, const Hash& first_root,
                       const Hash& second_root, std::span<const Hash> proof) {
  if (first <= 0 || first > second) return false;
  if (first == second) return proof.empty() && first_root == second_root;
  std::vector<Hash> path(proof.begin(), proof.end());
  if (path.empty()) return false;
  if (IsPowerOfTwo(first)) path.insert(path.begin(), first_root);
  uint64_t fn = static_cast<uint64_t>(first - 1);
  uint64_t sn = static_cast<uint64_t>(second - 1);
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      fr = TestNode(c, fr);
      sr = TestNode(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = TestNode(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == first_root && sr == second_root;
}

std::vector<Hash> SampleLeaves(int count) {
  std::vector<Hash> leaves;
  for (int i = 0; i < count; ++i) leaves.push_back(TestLeaf("leaf " + std::to_string(i)));
  return leaves;
}

// A tree over leaves kept in memory, counting how many leaves it reads back.
struct MemoryTree {
  explicit MemoryTree(int count) : leaves(SampleLeaves(count)) {
    tree = std::make_unique<MerkleTree>([this](int64_t first, int64_t n) {
      reads += n;
      EXPECT_LE(n, kMerkleChunk);
      return Result<std::vector<Hash>>(
          std::vector<Hash>(leaves.begin() + first, leaves.begin() + first + n));
    });
    for (const Hash& leaf : leaves) tree->Append(leaf);
  }
  std::vector<Hash> leaves;
  std::unique_ptr<MerkleTree> tree;
  int64_t reads = 0;
};

TEST(MerkleTreeTest, HashesFollowRfc6962) {
  EXPECT_EQ(HexEncode(EmptyTreeHash()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // The RFC 6962 test vector for the empty leaf.
  EXPECT_EQ(HexEncode(LeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  EXPECT_EQ(LeafHash("abc"), TestLeaf("abc"));
  EXPECT_EQ(NodeHash(TestLeaf("a"), TestLeaf("b")), TestNode(TestLeaf("a"), TestLeaf("b")));
}

TEST(MerkleTreeTest, RootOfEveryPrefixMatchesTheDefinition) {
  // Sizes across chunk boundaries: the stored subtrees must agree with hashing every leaf.
  MemoryTree memory(3 * static_cast<int>(kMerkleChunk) + 5);
  for (int64_t n = 0; n <= memory.tree->size(); ++n) {
    auto root = memory.tree->RootHash(n);
    ASSERT_TRUE(root);
    ASSERT_EQ(*root, ReferenceRoot(std::span(memory.leaves).first(static_cast<size_t>(n))))
        << "size " << n;
  }
  EXPECT_FALSE(memory.tree->RootHash(memory.tree->size() + 1));
}

TEST(MerkleTreeTest, TheCurrentRootNeedsNoLeafRead) {
  MemoryTree memory(5 * static_cast<int>(kMerkleChunk) + 17);
  ASSERT_TRUE(memory.tree->RootHash(memory.tree->size()));
  EXPECT_EQ(memory.reads, 0);
}

TEST(MerkleTreeTest, InclusionProofsVerifyAndOnlyForTheirLeaf) {
  MemoryTree memory(2 * static_cast<int>(kMerkleChunk) + 9);
  const std::vector<int64_t> sizes = {1, 2, 3, 7, 8, 255, 256, 257, 300, 512, 521};
  for (int64_t size : sizes) {
    const Hash root = ReferenceRoot(std::span(memory.leaves).first(static_cast<size_t>(size)));
    for (int64_t index : {int64_t{0}, size / 3, size / 2, size - 1}) {
      auto proof = memory.tree->InclusionProof(index, size);
      ASSERT_TRUE(proof) << proof.error().ToString();
      EXPECT_TRUE(VerifyInclusion(memory.leaves[index], index, size, *proof, root))
          << "leaf " << index << " of " << size;
      // The same proof does not prove another leaf, another position or another root.
      const int64_t other = (index + 1) % size;
      if (other != index) {
        EXPECT_FALSE(VerifyInclusion(memory.leaves[other], index, size, *proof, root));
        EXPECT_FALSE(VerifyInclusion(memory.leaves[index], other, size, *proof, root));
      }
      EXPECT_FALSE(VerifyInclusion(memory.leaves[index], index, size, *proof, TestLeaf("x")));
      if (!proof->empty()) {
        std::vector<Hash> bent = *proof;
        bent.back()[0] ^= 1;
        EXPECT_FALSE(VerifyInclusion(memory.leaves[index], index, size, bent, root));
      }
    }
  }
  EXPECT_FALSE(memory.tree->InclusionProof(5, 5));
  EXPECT_FALSE(memory.tree->InclusionProof(-1, 5));
  EXPECT_FALSE(memory.tree->InclusionProof(0, memory.tree->size() + 1));
}

TEST(MerkleTreeTest, ConsistencyProofsVerifyBetweenAnyTwoSizes) {
  MemoryTree memory(2 * static_cast<int>(kMerkleChunk) + 40);
  const std::vector<int64_t> sizes = {1, 2, 3, 4, 5, 8, 100, 255, 256, 257, 511, 512, 513, 552};
  for (int64_t first : sizes) {
    for (int64_t second : sizes) {
      if (first > second) continue;
      const Hash first_root =
          ReferenceRoot(std::span(memory.leaves).first(static_cast<size_t>(first)));
      const Hash second_root =
          ReferenceRoot(std::span(memory.leaves).first(static_cast<size_t>(second)));
      auto proof = memory.tree->ConsistencyProof(first, second);
      ASSERT_TRUE(proof) << proof.error().ToString();
      EXPECT_TRUE(VerifyConsistency(first, second, first_root, second_root, *proof))
          << first << " -> " << second;
      if (first < second) {
        // A head over a rewritten history is not consistent with the real one.
        Hash forged = first_root;
        forged[5] ^= 1;
        EXPECT_FALSE(VerifyConsistency(first, second, forged, second_root, *proof));
        EXPECT_FALSE(VerifyConsistency(first, second, first_root, forged, *proof));
      }
    }
  }
  EXPECT_FALSE(memory.tree->ConsistencyProof(0, 3));
  EXPECT_FALSE(memory.tree->ConsistencyProof(4, 3));
  EXPECT_FALSE(memory.tree->ConsistencyProof(1, memory.tree->size() + 1));
}

TEST(TreeHeadTest, SignedDataIsTheRfc6962Layout) {
  TreeHead head;
  head.tree_size = 0x0102;
  head.timestamp = Timestamp::FromMicros(1'763'769'600'123'456);
  head.root = Sha256("root");
  const std::string data = TreeHeadSignedData(head);
  ASSERT_EQ(data.size(), 50u);
  EXPECT_EQ(data.substr(0, 2), std::string("\0\1", 2));
  EXPECT_EQ(data.substr(2, 8), Be64(1'763'769'600'123));  // milliseconds
  EXPECT_EQ(data.substr(10, 8), Be64(0x0102));
  EXPECT_EQ(data.substr(18), std::string(AsBytes(head.root)));
}

TEST(TreeHeadTest, SignaturesVerifyOnlyForTheSignedHeadAndKey) {
  auto signer = TreeHeadSigner::FromSeed(std::string(32, '\x07'));
  ASSERT_TRUE(signer);
  EXPECT_EQ(signer->public_key().size(), 32u);
  TreeHead head{12, kAt, Sha256("root")};
  const std::string signature = signer->Sign(head);
  EXPECT_EQ(signature.size(), 64u);
  EXPECT_TRUE(VerifyTreeHeadSignature(head, signature, signer->public_key()));
  TreeHead other = head;
  other.tree_size = 11;
  EXPECT_FALSE(VerifyTreeHeadSignature(other, signature, signer->public_key()));
  auto another = TreeHeadSigner::FromSeed(std::string(32, '\x08'));
  EXPECT_FALSE(VerifyTreeHeadSignature(head, signature, another->public_key()));
  EXPECT_FALSE(VerifyTreeHeadSignature(head, signature.substr(1), signer->public_key()));
  EXPECT_FALSE(TreeHeadSigner::FromSeed("short"));
}

TEST(TreeHeadTest, TheKeyFileIsCreatedOnceAndRefusedWhenDamaged) {
  const auto dir = std::filesystem::path(::testing::TempDir()) /
                   ("credence_key_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  SeededRandom random(42);
  auto created = LoadOrCreateSigningKey(dir / "transparency.key", random);
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_EQ(std::filesystem::status(dir / "transparency.key").permissions() &
                std::filesystem::perms::group_all,
            std::filesystem::perms::none);
  auto loaded = LoadOrCreateSigningKey(dir / "transparency.key", random);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->public_key(), created->public_key());
  std::ofstream(dir / "transparency.key") << "not a key\n";
  auto damaged = LoadOrCreateSigningKey(dir / "transparency.key", random);
  ASSERT_FALSE(damaged);
  EXPECT_NE(damaged.error().message().find("transparency.key"), std::string::npos);
  std::filesystem::remove_all(dir);
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

class FixedClock final : public Clock {
 public:
  Timestamp Now() const override { return kAt; }
};

TEST_F(AuditLogTest, VerifyReportsTheTreeRootOverEveryEntry) {
  AppendEvents(1, 300);
  std::vector<Hash> leaves;
  ASSERT_TRUE(store_->ScanAudit(1, [&](const store::AuditEntry& entry) {
    leaves.push_back(TestLeaf(LeafData(entry)));
    return OkStatus();
  }));
  VerifyReport report = MustVerify();
  EXPECT_TRUE(report.ok);
  EXPECT_EQ(report.tree_size, 300);
  EXPECT_EQ(report.tree_root_hex, HexEncode(ReferenceRoot(leaves)));
}

TEST_F(AuditLogTest, TransparencyProofsCheckAgainstTheSignedHead) {
  auto signer = TreeHeadSigner::FromSeed(std::string(32, '\x03'));
  ASSERT_TRUE(signer);
  FixedClock clock;
  TransparencyLog log(*store_, *signer, clock);
  AppendEvents(1, 270);
  auto old_head = log.Head();
  ASSERT_TRUE(old_head) << old_head.error().ToString();
  EXPECT_EQ(old_head->head.tree_size, 270);
  EXPECT_TRUE(VerifyTreeHeadSignature(old_head->head, old_head->signature, log.public_key()));

  AppendEvents(271, 40);  // the log grows after the head was published
  auto head = log.Head();
  ASSERT_TRUE(head);
  ASSERT_EQ(head->head.tree_size, 310);

  // Record 100's first version: the entry, its leaf hash and the path lead to the signed root.
  auto inclusion = log.ProveRecordVersion(100, 1, 0);
  ASSERT_TRUE(inclusion) << inclusion.error().ToString();
  EXPECT_EQ(inclusion->entry.object, "record:100@1");
  EXPECT_EQ(inclusion->leaf_index, 99);
  EXPECT_EQ(inclusion->tree_size, 310);
  EXPECT_TRUE(VerifyInclusion(TestLeaf(LeafData(inclusion->entry)), inclusion->leaf_index,
                              inclusion->tree_size, inclusion->path, head->head.root));
  // And to the older head, for a proof asked at its size.
  auto old_inclusion = log.ProveLeaf(99, 270);
  ASSERT_TRUE(old_inclusion);
  EXPECT_TRUE(VerifyInclusion(TestLeaf(LeafData(old_inclusion->entry)), 99, 270,
                              old_inclusion->path, old_head->head.root));

  auto consistency = log.ProveConsistency(270, 0);
  ASSERT_TRUE(consistency);
  EXPECT_EQ(consistency->second, 310);
  EXPECT_TRUE(VerifyConsistency(270, 310, old_head->head.root, head->head.root, consistency->path));

  EXPECT_EQ(log.ProveRecordVersion(100, 2, 0).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(log.ProveRecordVersion(5000, 1, 0).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(log.ProveLeaf(310, 0).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(log.ProveLeaf(5, 400).error().code(), ErrorCode::kInvalidArgument);

  auto leaves = log.Leaves(305, 10);
  ASSERT_TRUE(leaves);
  ASSERT_EQ(leaves->size(), 5u);
  EXPECT_EQ(leaves->front().seq, 306);
  EXPECT_TRUE(log.Leaves(400, 10)->empty());
}

TEST_F(AuditLogTest, RewritingHistoryIsCaughtByAPublishedHead) {
  auto signer = TreeHeadSigner::FromSeed(std::string(32, '\x03'));
  FixedClock clock;
  AppendEvents(1, 20);
  TreeHead published;
  {
    TransparencyLog log(*store_, *signer, clock);
    published = log.Head()->head;
  }
  // Whoever rewrites entry 7 and then the whole chain after it (hashes that all match) still
  // cannot match the head an outside party kept.
  std::vector<store::AuditEntry> entries;
  ASSERT_TRUE(store_->ScanAudit(1, [&](const store::AuditEntry& entry) {
    entries.push_back(entry);
    return OkStatus();
  }));
  entries[6].object = "record:999@1";
  std::string sql;
  std::string previous;
  for (store::AuditEntry& entry : entries) {
    entry.hash = EntryHash(previous, entry);
    previous = entry.hash;
    sql += "UPDATE audit_log SET object = '" + entry.object + "', hash = x'" +
           HexEncode(entry.hash) + "' WHERE seq = " + std::to_string(entry.seq) + ";";
  }
  Tamper(sql, 1);                // sqlite3_changes counts the last statement only
  EXPECT_TRUE(MustVerify().ok);  // the chain alone is consistent again
  auto report = Verify(*store_, {&published, 1});
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->ok);
  EXPECT_EQ(report->first_broken_seq, 20);
  EXPECT_NE(report->message.find("rewritten"), std::string::npos) << report->message;

  // The new log cannot prove itself consistent with the published head either.
  TransparencyLog log(*store_, *signer, clock);
  auto now = log.Head();
  AppendEvents(21, 3);
  auto later = log.Head();
  auto proof = log.ProveConsistency(20, 0);
  ASSERT_TRUE(proof);
  EXPECT_FALSE(VerifyConsistency(20, 23, published.root, later->head.root, proof->path));
  EXPECT_TRUE(VerifyConsistency(20, 23, now->head.root, later->head.root, proof->path));
}

TEST_F(AuditLogTest, TruncatingTheLogIsCaughtByAPublishedHead) {
  AppendEvents(1, 10);
  TreeHead published;
  {
    auto signer = TreeHeadSigner::FromSeed(std::string(32, '\x03'));
    FixedClock clock;
    TransparencyLog log(*store_, *signer, clock);
    published = log.Head()->head;
  }
  Tamper("DELETE FROM audit_log WHERE seq > 8", 2);
  auto report = Verify(*store_, {&published, 1});
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->ok);
  EXPECT_NE(report->message.find("removed"), std::string::npos) << report->message;
}

TEST_F(AuditLogTest, OddRecordObjectsAreFoundWithoutADenseIndexOfTheirIds) {
  AppendEvents(1, 3);
  {
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn);
    std::vector<Event> events = {{"cli", "record.insert", "record:9000000000000@1", Sha256("a")},
                                 {"cli", "record.insert", "record:-4@1", Sha256("b")},
                                 {"cli", "record.insert", "record:12@x", Sha256("c")}};
    ASSERT_TRUE(Append(**txn, kAt, events));
    ASSERT_TRUE((*txn)->Commit());
  }
  auto signer = TreeHeadSigner::FromSeed(std::string(32, '\x03'));
  FixedClock clock;
  TransparencyLog log(*store_, *signer, clock);
  auto far = log.ProveRecordVersion(9'000'000'000'000, 1, 0);
  ASSERT_TRUE(far) << far.error().ToString();
  EXPECT_EQ(far->leaf_index, 3);
  EXPECT_EQ(log.ProveRecordVersion(12, 1, 0).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(log.ProveRecordVersion(2, 1, 0)->leaf_index, 1);
}

}  // namespace
}  // namespace credence::audit
