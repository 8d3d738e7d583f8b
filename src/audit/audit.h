// The tamper-evident audit log. Every write that changes what the public or a department sees
// is appended, inside the same store transaction as the change, as an entry whose hash chains
// the previous entry's hash:
//
//   hash(n) = SHA-256( hash(n-1) || be64(seq) || be64(at_micros) ||
//                      lp(actor) || lp(action) || lp(object) || digest )
//
// where hash(0) is empty, be64 is an 8-byte big-endian integer and lp(s) is be32(len(s)) || s.
// Changing, removing or reordering any entry breaks every hash after it; Verify finds the first.
//
// The same entries are the leaves of a Merkle tree in the style of RFC 6962 / RFC 9162 (the
// transparency log): leaf n-1 is entry seq n, its leaf data the entry without the previous hash,
//
//   leaf_data(e) = be64(seq) || be64(at_micros) || lp(actor) || lp(action) || lp(object) || digest
//   leaf_hash    = SHA-256(0x00 || leaf_data)      node_hash = SHA-256(0x01 || left || right)
//
// and the tree hash, inclusion proofs (audit paths) and consistency proofs are exactly those of
// RFC 6962 §2.1, so any RFC 6962 verifier checks them. A tree head (size, timestamp, root) is
// signed with Ed25519 over the RFC 6962 TreeHeadSignature layout (see TreeHeadSignedData).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/hash.h"
#include "common/random.h"
#include "common/result.h"
#include "common/time.h"
#include "store/store.h"

namespace credence::audit {

struct Event {
  std::string actor;      // who: "department:court", "cli", "token:4"
  std::string action;     // what: "record.insert", "record.revise", "record.withdraw", ...
  std::string object;     // on what: "record:123@2"
  Sha256Digest digest{};  // SHA-256 of the object's content after the change
};

using Hash = Sha256Digest;

// A tree head: the Merkle tree (below) over the first tree_size entries.
struct TreeHead {
  int64_t tree_size = 0;
  Timestamp timestamp;  // when it was signed; signed as milliseconds since the epoch
  Hash root{};
};

// The chain rule above, for one entry given the previous entry's hash (32 raw bytes or empty).
std::string EntryHash(std::string_view previous_hash, const store::AuditEntry& entry);

// Appends events, in order, to the log within txn, all stamped `at`.
Status Append(store::WriteTxn& txn, Timestamp at, std::span<const Event> events);

struct VerifyReport {
  int64_t entries = 0;  // entries checked (when broken: up to and including the broken one)
  bool ok = true;
  int64_t first_broken_seq = 0;  // 0 when ok
  std::string message;           // what is wrong with the first broken entry
  std::string head_hash_hex;     // the last entry's hash, hex (when broken: the last intact one)
  // The Merkle tree over the entries checked and intact (see below): its size and root, hex.
  int64_t tree_size = 0;
  std::string tree_root_hex;
};

// Walks the whole log from seq 1, recomputes every hash and stops at the first entry that is
// missing (a seq gap), has a malformed digest or does not match its hash. Removing entries at
// the end of the log leaves a shorter valid chain: compare head_hash_hex with a copy kept
// elsewhere to detect that, or a signed tree head kept by an outside party: the tree root over
// the first tree_size entries must equal its root. Verify checks that for each of `published`
// (heads signed earlier, whose signatures the caller has checked): a head whose root differs
// from the log's, or whose size is beyond the log, means the log was rewritten or cut, and the
// report is broken (first_broken_seq: the head's size). Errors only when the store cannot be
// read.
Result<VerifyReport> Verify(store::Store& store, std::span<const TreeHead> published = {});

// --- Merkle tree (RFC 6962 §2.1) ---

std::string LeafData(const store::AuditEntry& entry);
Hash LeafHash(std::string_view leaf_data);
Hash NodeHash(const Hash& left, const Hash& right);
// MTH of the empty tree: SHA-256 of nothing.
Hash EmptyTreeHash();

// Reads the leaf hashes of leaves [first, first + count) (0-based leaf indexes); every one of them
// must exist. A MerkleTree asks for at most kMerkleChunk leaves at a time, and only for leaves
// whose chunk of kMerkleChunk aligned leaves is not complete in the tree it asks about.
using LeafReader = std::function<Result<std::vector<Hash>>(int64_t first, int64_t count)>;

inline constexpr int64_t kMerkleChunk = 256;

// The tree over a growing list of leaves, kept compact: it holds the hash of every complete,
// aligned subtree of kMerkleChunk leaves or more (32 bytes per 128 leaves in all) and the leaf
// hashes of the last, incomplete chunk; any other leaf hashes come from the LeafReader. The tree
// hash of any prefix, and proofs about it, then cost O(log n + kMerkleChunk) hashes. Not
// thread-safe.
class MerkleTree {
 public:
  explicit MerkleTree(LeafReader reader) : reader_(std::move(reader)) {}

  int64_t size() const { return size_; }
  void Append(const Hash& leaf_hash);

  // MTH(D[0:tree_size]); InvalidArgument when tree_size > size().
  Result<Hash> RootHash(int64_t tree_size) const;
  // PATH(leaf_index, D[0:tree_size]); InvalidArgument unless leaf_index < tree_size <= size().
  Result<std::vector<Hash>> InclusionProof(int64_t leaf_index, int64_t tree_size) const;
  // PROOF(first, D[0:second]); InvalidArgument unless 0 < first <= second <= size().
  Result<std::vector<Hash>> ConsistencyProof(int64_t first, int64_t second) const;

 private:
  Result<Hash> SubtreeHash(int64_t begin, int64_t end) const;
  Status Path(int64_t index, int64_t begin, int64_t end, std::vector<Hash>& out) const;
  Status SubProof(int64_t m, int64_t begin, int64_t end, bool complete,
                  std::vector<Hash>& out) const;
  Result<std::vector<Hash>> Leaves(int64_t first, int64_t count) const;

  LeafReader reader_;
  int64_t size_ = 0;
  // levels_[k][i]: hash of the complete subtree of kMerkleChunk << k leaves starting at leaf
  // i * (kMerkleChunk << k).
  std::vector<std::vector<Hash>> levels_;
  std::vector<Hash> tail_;  // leaf hashes of the incomplete last chunk
};

// --- signed tree heads ---

// The 50 bytes that are signed (RFC 6962 §3.5 TreeHeadSignature): version v1 (0),
// signature_type tree_hash (1), be64(timestamp ms), be64(tree_size), root.
std::string TreeHeadSignedData(const TreeHead& head);

// An Ed25519 key (libsodium inside). The 32-byte seed is the secret; the caller keeps it.
class TreeHeadSigner {
 public:
  // InvalidArgument unless the seed is 32 bytes.
  static Result<TreeHeadSigner> FromSeed(std::string_view seed);
  const std::string& public_key() const { return public_key_; }  // 32 raw bytes
  std::string Sign(const TreeHead& head) const;                  // 64 raw bytes

 private:
  std::string secret_key_;  // libsodium's 64-byte form (seed || public key)
  std::string public_key_;
};

bool VerifyTreeHeadSignature(const TreeHead& head, std::string_view signature,
                             std::string_view public_key);

// The signing key of a data directory: the file holds the 32-byte seed as 64 hex digits. It is
// created (mode 0600, from random) when missing; a file that is not such a seed is an error
// naming it, never replaced.
Result<TreeHeadSigner> LoadOrCreateSigningKey(const std::filesystem::path& file, Random& random);

// The transparency log served to outside parties: the Merkle tree over the store's audit log,
// brought up to date with the store on every call, and where each record version's leaf is.
// Thread-safe (one mutex; the first call reads the whole log).
class TransparencyLog {
 public:
  TransparencyLog(store::Store& store, const TreeHeadSigner& signer, const Clock& clock)
      : store_(store),
        signer_(signer),
        clock_(clock),
        tree_([this](int64_t first, int64_t count) { return ReadLeafHashes(first, count); }) {}

  struct SignedHead {
    TreeHead head;
    std::string signature;  // 64 raw bytes
  };
  // The current tree, signed now.
  Result<SignedHead> Head();
  const std::string& public_key() const { return signer_.public_key(); }

  struct Inclusion {
    int64_t leaf_index = 0;
    int64_t tree_size = 0;
    store::AuditEntry entry;
    std::vector<Hash> path;
  };
  // tree_size 0: the current size. NotFound for a leaf beyond the log, InvalidArgument for a
  // tree_size beyond it or not above leaf_index.
  Result<Inclusion> ProveLeaf(int64_t leaf_index, int64_t tree_size);
  // The leaf of "record:<id>@<version>" (its insert, revision or withdrawal); NotFound when the
  // log has no such entry.
  Result<Inclusion> ProveRecordVersion(int64_t record_id, int32_t version, int64_t tree_size);
  // tree sizes as in MerkleTree::ConsistencyProof; second 0: the current size.
  struct Consistency {
    int64_t first = 0;
    int64_t second = 0;
    std::vector<Hash> path;
  };
  Result<Consistency> ProveConsistency(int64_t first, int64_t second);
  // Entries [start, start + count), fewer at the end of the log.
  Result<std::vector<store::AuditEntry>> Leaves(int64_t start, int64_t count);

 private:
  Status Refresh();  // appends the entries written since the last call
  Result<std::vector<Hash>> ReadLeafHashes(int64_t first, int64_t count);
  Result<Inclusion> ProveLocked(int64_t leaf_index, int64_t tree_size);

  store::Store& store_;
  const TreeHeadSigner& signer_;
  const Clock& clock_;
  std::mutex mutex_;
  MerkleTree tree_;
  // seq of "record:<id>@1" by record id (0: none), and of later versions (and of first
  // versions with implausibly large ids) by (id, version).
  std::vector<int64_t> first_version_seq_;
  std::map<std::pair<int64_t, int32_t>, int64_t> later_version_seq_;
};

}  // namespace credence::audit
