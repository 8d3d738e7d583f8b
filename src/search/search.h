// Finding subjects by name or code, fast on millions of subjects.
//
// SubjectIndex keeps, in memory, each subject's normalised name and code and an inverted index
// of the name's character bigrams (and single characters), so that a substring query touches
// only the posting lists of its rarest bigram and verifies candidates. Ranking: exact code,
// then exact name, then name prefix, then substring; ties by shorter name, then id.
// Thread-safe: many concurrent searches, updates take a short exclusive lock.
#pragma once

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "store/store.h"

namespace credence::search {

struct SearchResult {
  std::vector<int64_t> subject_ids;  // the requested page, best first
  int64_t total = 0;                 // matches in all pages (capped at kMaxCounted)
  bool total_capped = false;
};

class SubjectIndex {
 public:
  static constexpr int64_t kMaxCounted = 10000;

  // Loads every subject from the store (replacing what was indexed).
  Status Load(store::Store& store);
  // Adds or updates one subject; name_norm is text::NormalizeName of its name.
  void Upsert(int64_t subject_id, std::string_view code, std::string_view name_norm);
  // query is normalised here; an 18-character query is also tried as an exact code.
  SearchResult Search(std::string_view query, int64_t offset, int64_t limit) const;
  size_t size() const;
  // Approximate heap bytes held, for the RSS budget.
  size_t MemoryBytes() const;

 private:
  // Implementation detail: see search.cc.
  struct Entry {
    int64_t subject_id;
    std::string code;
    std::string name_norm;
  };
  mutable std::shared_mutex mutex_;
  std::vector<Entry> entries_;                        // dense, by slot
  std::unordered_map<int64_t, uint32_t> slot_of_id_;  // subject id → slot
  std::unordered_map<std::string, uint32_t> slot_of_code_;
  std::unordered_map<uint64_t, std::vector<uint32_t>> postings_;  // gram → sorted slots
};

}  // namespace credence::search
