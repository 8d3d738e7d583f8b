// An in-memory two-way map between policy keys (record kinds, departments) and the small
// integers a backend stores in their place, so that a record row carries two small integers
// instead of two strings. Backend-internal: callers of Store only ever see keys.
//
// Thread-safe (readers share a lock; adding takes it exclusively). It holds only pairs that are
// committed to the database: a write transaction keeps the keys it creates to itself and adds
// them here after its commit, so a rolled-back id (which the database may reuse) never leaks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace credence::store {

// Hashes std::string and std::string_view alike, so lookups by string_view do not allocate.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

template <typename Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

class KeyDictionary {
 public:
  std::optional<int64_t> IdOf(std::string_view key) const;
  std::optional<std::string> KeyOf(int64_t id) const;
  // Records a committed pair. Adding a pair that is already known is harmless.
  void Add(int64_t id, std::string_view key);
  size_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  StringMap<int64_t> ids_;                         // guarded by mutex_
  std::unordered_map<int64_t, std::string> keys_;  // guarded by mutex_
};

}  // namespace credence::store
