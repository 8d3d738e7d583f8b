// The RFC 6962 §2.1 Merkle tree over the audit log's leaves, and its proofs.
#include <bit>
#include <functional>

#include "audit/audit.h"

namespace credence::audit {

namespace {

std::string_view View(const Hash& hash) { return AsBytes(hash); }

// The largest power of two smaller than n (n > 1).
int64_t SplitPoint(int64_t n) {
  return int64_t{1} << (std::bit_width(static_cast<uint64_t>(n - 1)) - 1);
}

bool IsPowerOfTwo(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

}  // namespace

Hash LeafHash(std::string_view leaf_data) {
  static constexpr char kLeafPrefix = 0x00;
  return Sha256Concat({std::string_view(&kLeafPrefix, 1), leaf_data});
}

Hash NodeHash(const Hash& left, const Hash& right) {
  static constexpr char kNodePrefix = 0x01;
  return Sha256Concat({std::string_view(&kNodePrefix, 1), View(left), View(right)});
}

Hash EmptyTreeHash() { return Sha256(""); }

void MerkleTree::Append(const Hash& leaf_hash) {
  tail_.push_back(leaf_hash);
  ++size_;
  if (static_cast<int64_t>(tail_.size()) < kMerkleChunk) return;
  // The chunk is complete: fold it into its root, then carry complete pairs up the levels.
  std::vector<Hash> level = std::move(tail_);
  tail_.clear();
  while (level.size() > 1) {
    std::vector<Hash> up(level.size() / 2);
    for (size_t i = 0; i < up.size(); ++i) up[i] = NodeHash(level[2 * i], level[2 * i + 1]);
    level = std::move(up);
  }
  Hash node = level[0];
  for (size_t k = 0;; ++k) {
    if (levels_.size() <= k) levels_.emplace_back();
    levels_[k].push_back(node);
    if (levels_[k].size() % 2 != 0) break;
    node = NodeHash(levels_[k][levels_[k].size() - 2], levels_[k].back());
  }
}

Result<std::vector<Hash>> MerkleTree::Leaves(int64_t first, int64_t count) const {
  const int64_t tail_start = size_ - static_cast<int64_t>(tail_.size());
  if (first >= tail_start) {
    auto begin = tail_.begin() + (first - tail_start);
    return std::vector<Hash>(begin, begin + count);
  }
  CREDENCE_ASSIGN_OR_RETURN(std::vector<Hash> leaves, reader_(first, count));
  if (static_cast<int64_t>(leaves.size()) != count) {
    return Fail(Error::Internal("the audit log returned " + std::to_string(leaves.size()) +
                                " leaves where " + std::to_string(count) + " were asked for"));
  }
  return leaves;
}

Result<Hash> MerkleTree::SubtreeHash(int64_t begin, int64_t end) const {
  const int64_t n = end - begin;
  if (n == 0) return EmptyTreeHash();
  // A complete aligned subtree of a chunk or more is stored.
  if (IsPowerOfTwo(n) && n >= kMerkleChunk && begin % n == 0) {
    const size_t level = std::countr_zero(static_cast<uint64_t>(n / kMerkleChunk));
    const auto index = static_cast<size_t>(begin / n);
    if (level < levels_.size() && index < levels_[level].size()) return levels_[level][index];
  }
  if (n <= kMerkleChunk && begin / kMerkleChunk == (end - 1) / kMerkleChunk) {
    // Within one chunk: hash its leaves by the same recursion, bottom up.
    CREDENCE_ASSIGN_OR_RETURN(std::vector<Hash> leaves, Leaves(begin, n));
    std::function<Hash(size_t, size_t)> fold = [&](size_t b, size_t e) -> Hash {
      if (e - b == 1) return leaves[b];
      const size_t k = static_cast<size_t>(SplitPoint(static_cast<int64_t>(e - b)));
      return NodeHash(fold(b, b + k), fold(b + k, e));
    };
    return fold(0, leaves.size());
  }
  const int64_t k = SplitPoint(n);
  CREDENCE_ASSIGN_OR_RETURN(Hash left, SubtreeHash(begin, begin + k));
  CREDENCE_ASSIGN_OR_RETURN(Hash right, SubtreeHash(begin + k, end));
  return NodeHash(left, right);
}

Result<Hash> MerkleTree::RootHash(int64_t tree_size) const {
  if (tree_size < 0 || tree_size > size_) {
    return Fail(Error::InvalidArgument("tree_size", "tree size " + std::to_string(tree_size) +
                                                        " is beyond the log's " +
                                                        std::to_string(size_) + " leaves"));
  }
  return SubtreeHash(0, tree_size);
}

// PATH(m, D[begin:end]) of RFC 6962 §2.1.1, with m relative to begin.
Status MerkleTree::Path(int64_t index, int64_t begin, int64_t end, std::vector<Hash>& out) const {
  const int64_t n = end - begin;
  if (n <= 1) return OkStatus();
  const int64_t k = SplitPoint(n);
  if (index < k) {
    CREDENCE_RETURN_IF_ERROR(Path(index, begin, begin + k, out));
    CREDENCE_ASSIGN_OR_RETURN(Hash right, SubtreeHash(begin + k, end));
    out.push_back(right);
  } else {
    CREDENCE_RETURN_IF_ERROR(Path(index - k, begin + k, end, out));
    CREDENCE_ASSIGN_OR_RETURN(Hash left, SubtreeHash(begin, begin + k));
    out.push_back(left);
  }
  return OkStatus();
}

Result<std::vector<Hash>> MerkleTree::InclusionProof(int64_t leaf_index, int64_t tree_size) const {
  if (tree_size > size_ || leaf_index < 0 || leaf_index >= tree_size) {
    return Fail(Error::InvalidArgument(
        "tree_size", "leaf " + std::to_string(leaf_index) + " is not in a tree of " +
                         std::to_string(tree_size) + " leaves (the log has " +
                         std::to_string(size_) + ")"));
  }
  std::vector<Hash> proof;
  CREDENCE_RETURN_IF_ERROR(Path(leaf_index, 0, tree_size, proof));
  return proof;
}

// SUBPROOF(m, D[begin:end], b) of RFC 6962 §2.1.2.
Status MerkleTree::SubProof(int64_t m, int64_t begin, int64_t end, bool complete,
                            std::vector<Hash>& out) const {
  const int64_t n = end - begin;
  if (m == n) {
    if (!complete) {
      CREDENCE_ASSIGN_OR_RETURN(Hash whole, SubtreeHash(begin, end));
      out.push_back(whole);
    }
    return OkStatus();
  }
  const int64_t k = SplitPoint(n);
  if (m <= k) {
    CREDENCE_RETURN_IF_ERROR(SubProof(m, begin, begin + k, complete, out));
    CREDENCE_ASSIGN_OR_RETURN(Hash right, SubtreeHash(begin + k, end));
    out.push_back(right);
  } else {
    CREDENCE_RETURN_IF_ERROR(SubProof(m - k, begin + k, end, false, out));
    CREDENCE_ASSIGN_OR_RETURN(Hash left, SubtreeHash(begin, begin + k));
    out.push_back(left);
  }
  return OkStatus();
}

Result<std::vector<Hash>> MerkleTree::ConsistencyProof(int64_t first, int64_t second) const {
  if (first <= 0 || first > second || second > size_) {
    return Fail(Error::InvalidArgument("first", "no consistency proof from " +
                                                    std::to_string(first) + " to " +
                                                    std::to_string(second) +
                                                    " leaves (sizes must satisfy 0 < first <= "
                                                    "second <= " +
                                                    std::to_string(size_) + ")"));
  }
  std::vector<Hash> proof;
  CREDENCE_RETURN_IF_ERROR(SubProof(first, 0, second, true, proof));
  return proof;
}

}  // namespace credence::audit
