#include "audit/audit.h"

#include <array>
#include <cstring>
#include <utility>

namespace credence::audit {

namespace {

constexpr size_t kHashSize = 32;

std::array<char, 8> BigEndian64(int64_t value) {
  auto bits = static_cast<uint64_t>(value);
  std::array<char, 8> out;
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(bits & 0xff);
    bits >>= 8;
  }
  return out;
}

std::array<char, 4> BigEndian32(uint32_t value) {
  std::array<char, 4> out;
  for (int i = 3; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

std::string_view View(const std::array<char, 8>& bytes) { return {bytes.data(), bytes.size()}; }
std::string_view View(const std::array<char, 4>& bytes) { return {bytes.data(), bytes.size()}; }

}  // namespace

namespace {

// Calls hash with `prefix` and then the leaf data's parts (see audit.h), without copying them
// together: the chain hash of every record version is computed on the writer's thread.
template <typename HashParts>
Sha256Digest WithLeafParts(std::string_view prefix, const store::AuditEntry& entry,
                           HashParts hash) {
  const std::array<char, 8> seq = BigEndian64(entry.seq);
  const std::array<char, 8> at = BigEndian64(entry.at.micros());
  const std::array<char, 4> actor_length = BigEndian32(static_cast<uint32_t>(entry.actor.size()));
  const std::array<char, 4> action_length = BigEndian32(static_cast<uint32_t>(entry.action.size()));
  const std::array<char, 4> object_length = BigEndian32(static_cast<uint32_t>(entry.object.size()));
  return hash({prefix, View(seq), View(at), View(actor_length), entry.actor, View(action_length),
               entry.action, View(object_length), entry.object, entry.digest});
}

}  // namespace

std::string LeafData(const store::AuditEntry& entry) {
  std::string data;
  WithLeafParts({}, entry, [&](std::initializer_list<std::string_view> parts) {
    for (std::string_view part : parts) data.append(part);
    return Sha256Digest{};
  });
  return data;
}

std::string EntryHash(std::string_view previous_hash, const store::AuditEntry& entry) {
  Sha256Digest hash = WithLeafParts(previous_hash, entry, &Sha256Concat);
  return std::string(AsBytes(hash));
}

Status Append(store::WriteTxn& txn, Timestamp at, std::span<const Event> events) {
  if (events.empty()) return OkStatus();
  CREDENCE_ASSIGN_OR_RETURN(store::AuditEntry head, txn.AuditHead());
  std::vector<store::AuditEntry> entries(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& event = events[i];
    store::AuditEntry& entry = entries[i];
    entry.seq = head.seq + 1 + static_cast<int64_t>(i);
    entry.at = at;
    entry.actor = event.actor;
    entry.action = event.action;
    entry.object = event.object;
    entry.digest.assign(AsBytes(event.digest));
    entry.hash = EntryHash(i == 0 ? std::string_view(head.hash) : entries[i - 1].hash, entry);
  }
  return txn.AppendAudit(entries);
}

Result<VerifyReport> Verify(store::Store& store, std::span<const TreeHead> published) {
  VerifyReport report;
  int64_t expected_seq = 1;
  std::string previous_hash;  // hash(0) is empty
  // The whole tree is appended here, so its root never needs a leaf read back.
  MerkleTree tree([](int64_t, int64_t) -> Result<std::vector<Hash>> {
    return Fail(Error::Internal("the verifier's tree reads no leaves"));
  });
  auto broken = [&](int64_t seq, std::string message) -> Status {
    report.ok = false;
    report.first_broken_seq = seq;
    report.message = std::move(message);
    return Fail(Error::Internal("the audit chain is broken"));
  };

  Status scanned = store.ScanAudit(1, [&](const store::AuditEntry& entry) -> Status {
    ++report.entries;
    if (entry.seq != expected_seq) {
      return broken(expected_seq, "entry " + std::to_string(expected_seq) +
                                      " is missing: the log goes on with entry " +
                                      std::to_string(entry.seq));
    }
    if (entry.digest.size() != kHashSize) {
      return broken(entry.seq, "entry " + std::to_string(entry.seq) + " has a digest of " +
                                   std::to_string(entry.digest.size()) + " bytes, not 32");
    }
    const std::string leaf_data = LeafData(entry);
    std::string recomputed(AsBytes(Sha256Concat({previous_hash, leaf_data})));
    if (recomputed != entry.hash) {
      return broken(entry.seq,
                    "entry " + std::to_string(entry.seq) +
                        " does not match its hash: it, or the hash, was changed after it was "
                        "written (stored " +
                        HexEncode(entry.hash) + ", recomputed " + HexEncode(recomputed) + ")");
    }
    previous_hash = std::move(recomputed);
    tree.Append(LeafHash(leaf_data));
    for (const TreeHead& head : published) {
      if (head.tree_size != tree.size()) continue;
      CREDENCE_ASSIGN_OR_RETURN(Hash root, tree.RootHash(tree.size()));
      if (root != head.root) {
        return broken(head.tree_size,
                      "the published tree head of " + std::to_string(head.tree_size) +
                          " entries has root " + HexEncode(head.root) + ", the log's first " +
                          std::to_string(head.tree_size) + " entries hash to " + HexEncode(root) +
                          ": the log was rewritten after that head was signed");
      }
    }
    ++expected_seq;
    return OkStatus();
  });
  // A broken entry stops the scan with an error of its own; any other error is the store's.
  if (!scanned && report.ok) {
    return Fail(std::move(scanned).error().Context("verifying the audit log"));
  }
  report.head_hash_hex = HexEncode(previous_hash);
  if (report.ok) {
    for (const TreeHead& head : published) {
      if (head.tree_size > tree.size()) {
        report.ok = false;
        report.first_broken_seq = tree.size() + 1;
        report.message = "a published tree head covers " + std::to_string(head.tree_size) +
                         " entries but the log has only " + std::to_string(tree.size()) +
                         ": entries were removed from its end";
        break;
      }
    }
  }
  report.tree_size = tree.size();
  CREDENCE_ASSIGN_OR_RETURN(Hash root, tree.RootHash(tree.size()));
  report.tree_root_hex = HexEncode(root);
  return report;
}

}  // namespace credence::audit
