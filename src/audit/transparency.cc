// Signed tree heads (Ed25519 by libsodium), the signing key file, and the transparency log
// served over the store's audit log.
#include <sodium.h>
#include <sys/stat.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "audit/audit.h"

namespace credence::audit {

namespace {

void AppendBigEndian64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// "record:<id>@<version>" → (id, version).
std::optional<std::pair<int64_t, int32_t>> ParseRecordObject(std::string_view object) {
  constexpr std::string_view kPrefix = "record:";
  if (!object.starts_with(kPrefix)) return std::nullopt;
  object.remove_prefix(kPrefix.size());
  const size_t at = object.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  int64_t id = 0;
  int32_t version = 0;
  const char* id_end = object.data() + at;
  const char* end = object.data() + object.size();
  if (std::from_chars(object.data(), id_end, id).ptr != id_end || id <= 0) return std::nullopt;
  if (std::from_chars(id_end + 1, end, version).ptr != end || version <= 0) return std::nullopt;
  return std::pair{id, version};
}

// Stops a ScanAudit early without it being an error of the store.
constexpr std::string_view kEnoughLeaves = "enough leaves";

// Reads entries [first, first + count) (0-based leaf indexes), in order.
Result<std::vector<store::AuditEntry>> ReadEntries(store::Store& store, int64_t first,
                                                   int64_t count) {
  std::vector<store::AuditEntry> entries;
  if (count <= 0) return entries;
  entries.reserve(static_cast<size_t>(count));
  Status scanned = store.ScanAudit(first + 1, [&](const store::AuditEntry& entry) -> Status {
    entries.push_back(entry);
    if (static_cast<int64_t>(entries.size()) == count) {
      return Fail(Error::Internal(std::string(kEnoughLeaves)));
    }
    return OkStatus();
  });
  if (!scanned && static_cast<int64_t>(entries.size()) != count) {
    return Fail(std::move(scanned).error().Context("reading the audit log"));
  }
  return entries;
}

}  // namespace

std::string TreeHeadSignedData(const TreeHead& head) {
  std::string data;
  data.reserve(50);
  data.push_back(0);  // version v1
  data.push_back(1);  // signature_type tree_hash
  AppendBigEndian64(data, static_cast<uint64_t>(head.timestamp.micros() / 1000));
  AppendBigEndian64(data, static_cast<uint64_t>(head.tree_size));
  data.append(AsBytes(head.root));
  return data;
}

Result<TreeHeadSigner> TreeHeadSigner::FromSeed(std::string_view seed) {
  if (!SodiumReady()) return Fail(Error::Internal("libsodium could not be initialised"));
  if (seed.size() != crypto_sign_SEEDBYTES) {
    return Fail(Error::InvalidArgument(
        "seed", "an Ed25519 seed is 32 bytes, not " + std::to_string(seed.size())));
  }
  TreeHeadSigner signer;
  signer.public_key_.resize(crypto_sign_PUBLICKEYBYTES);
  signer.secret_key_.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(signer.public_key_.data()),
                           reinterpret_cast<unsigned char*>(signer.secret_key_.data()),
                           Bytes(seed));
  return signer;
}

std::string TreeHeadSigner::Sign(const TreeHead& head) const {
  const std::string data = TreeHeadSignedData(head);
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr, Bytes(data),
                       data.size(), Bytes(secret_key_));
  return signature;
}

bool VerifyTreeHeadSignature(const TreeHead& head, std::string_view signature,
                             std::string_view public_key) {
  if (!SodiumReady() || signature.size() != crypto_sign_BYTES ||
      public_key.size() != crypto_sign_PUBLICKEYBYTES) {
    return false;
  }
  const std::string data = TreeHeadSignedData(head);
  return crypto_sign_verify_detached(Bytes(signature), Bytes(data), data.size(),
                                     Bytes(public_key)) == 0;
}

Result<TreeHeadSigner> LoadOrCreateSigningKey(const std::filesystem::path& file, Random& random) {
  std::error_code error;
  if (!std::filesystem::exists(file, error)) {
    const std::string seed = random.Bytes(crypto_sign_SEEDBYTES);
    std::filesystem::create_directories(file.parent_path(), error);
    // Created readable by its owner only, before the secret is written into it.
    const mode_t old_mask = ::umask(077);
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    ::umask(old_mask);
    out << HexEncode(seed) << "\n";
    out.close();
    if (!out) {
      return Fail(Error::Unavailable("cannot write the signing key " + file.string()));
    }
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string hex = text.str();
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
  std::string seed;
  if (!in || hex.size() != 2 * crypto_sign_SEEDBYTES || !HexDecode(hex, &seed)) {
    return Fail(Error::InvalidArgument(
        "key", file.string() + " is not an Ed25519 signing key (64 hex digits expected)"));
  }
  return TreeHeadSigner::FromSeed(seed);
}

Result<std::vector<Hash>> TransparencyLog::ReadLeafHashes(int64_t first, int64_t count) {
  CREDENCE_ASSIGN_OR_RETURN(std::vector<store::AuditEntry> entries,
                            ReadEntries(store_, first, count));
  std::vector<Hash> hashes;
  hashes.reserve(entries.size());
  for (const store::AuditEntry& entry : entries) hashes.push_back(LeafHash(LeafData(entry)));
  return hashes;
}

Status TransparencyLog::Refresh() {
  const int64_t from = tree_.size() + 1;
  Status scanned = store_.ScanAudit(from, [&](const store::AuditEntry& entry) -> Status {
    if (entry.seq != tree_.size() + 1) {
      return Fail(Error::Internal("the audit log has a gap before entry " +
                                  std::to_string(entry.seq) + " (credence audit verify)"));
    }
    tree_.Append(LeafHash(LeafData(entry)));
    if (auto record = ParseRecordObject(entry.object)) {
      const auto [id, version] = *record;
      // Record ids grow with the log, so a vector indexed by id stays dense; an id far beyond
      // the log's size (possible only in a damaged log) goes to the map instead.
      if (version == 1 && id <= 2 * tree_.size() + kMerkleChunk) {
        if (first_version_seq_.size() <= static_cast<size_t>(id)) {
          first_version_seq_.resize(static_cast<size_t>(id) + 1, 0);
        }
        first_version_seq_[static_cast<size_t>(id)] = entry.seq;
      } else {
        later_version_seq_[{id, version}] = entry.seq;
      }
    }
    return OkStatus();
  });
  if (!scanned) return Fail(std::move(scanned).error().Context("reading the audit log"));
  return OkStatus();
}

Result<TransparencyLog::SignedHead> TransparencyLog::Head() {
  std::lock_guard lock(mutex_);
  CREDENCE_RETURN_IF_ERROR(Refresh());
  SignedHead signed_head;
  signed_head.head.tree_size = tree_.size();
  signed_head.head.timestamp = clock_.Now();
  CREDENCE_ASSIGN_OR_RETURN(signed_head.head.root, tree_.RootHash(tree_.size()));
  signed_head.signature = signer_.Sign(signed_head.head);
  return signed_head;
}

Result<TransparencyLog::Inclusion> TransparencyLog::ProveLocked(int64_t leaf_index,
                                                                int64_t tree_size) {
  if (leaf_index < 0 || leaf_index >= tree_.size()) {
    return Fail(Error::NotFound("the log has no leaf " + std::to_string(leaf_index) + " (it has " +
                                std::to_string(tree_.size()) + " leaves)"));
  }
  Inclusion inclusion;
  inclusion.leaf_index = leaf_index;
  inclusion.tree_size = tree_size == 0 ? tree_.size() : tree_size;
  CREDENCE_ASSIGN_OR_RETURN(inclusion.path, tree_.InclusionProof(leaf_index, inclusion.tree_size));
  CREDENCE_ASSIGN_OR_RETURN(std::vector<store::AuditEntry> entries,
                            ReadEntries(store_, leaf_index, 1));
  inclusion.entry = std::move(entries.front());
  return inclusion;
}

Result<TransparencyLog::Inclusion> TransparencyLog::ProveLeaf(int64_t leaf_index,
                                                              int64_t tree_size) {
  std::lock_guard lock(mutex_);
  CREDENCE_RETURN_IF_ERROR(Refresh());
  return ProveLocked(leaf_index, tree_size);
}

Result<TransparencyLog::Inclusion> TransparencyLog::ProveRecordVersion(int64_t record_id,
                                                                       int32_t version,
                                                                       int64_t tree_size) {
  std::lock_guard lock(mutex_);
  CREDENCE_RETURN_IF_ERROR(Refresh());
  int64_t seq = 0;
  if (version == 1 && record_id > 0 && static_cast<size_t>(record_id) < first_version_seq_.size()) {
    seq = first_version_seq_[static_cast<size_t>(record_id)];
  }
  if (auto found = later_version_seq_.find({record_id, version});
      seq == 0 && found != later_version_seq_.end()) {
    seq = found->second;
  }
  if (seq == 0) {
    return Fail(Error::NotFound("the log has no entry for version " + std::to_string(version) +
                                " of record " + std::to_string(record_id)));
  }
  return ProveLocked(seq - 1, tree_size);
}

Result<TransparencyLog::Consistency> TransparencyLog::ProveConsistency(int64_t first,
                                                                       int64_t second) {
  std::lock_guard lock(mutex_);
  CREDENCE_RETURN_IF_ERROR(Refresh());
  Consistency consistency;
  consistency.first = first;
  consistency.second = second == 0 ? tree_.size() : second;
  CREDENCE_ASSIGN_OR_RETURN(consistency.path,
                            tree_.ConsistencyProof(consistency.first, consistency.second));
  return consistency;
}

Result<std::vector<store::AuditEntry>> TransparencyLog::Leaves(int64_t start, int64_t count) {
  std::lock_guard lock(mutex_);
  CREDENCE_RETURN_IF_ERROR(Refresh());
  if (start < 0) return Fail(Error::InvalidArgument("start", "start must not be negative"));
  const int64_t available = std::max<int64_t>(0, std::min(count, tree_.size() - start));
  return ReadEntries(store_, start, available);
}

}  // namespace credence::audit
