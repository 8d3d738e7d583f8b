// Finding subjects by name or code, fast on millions of subjects.
//
// SubjectIndex keeps, in memory, each subject's code and normalised name and an inverted index
// of the name's code-point bigrams, so that a query touches only the posting lists of its own
// bigrams.
//
// Ranking (tiers, best first):
//   1. exact code: the query, as ids::NormalizeCode, equals the subject's code;
//   2. code prefix: the query is at least kMinCodePrefix characters of [0-9A-Z] and starts a
//      Unified Social Credit Code (resident ID numbers are never matched by prefix, so nobody
//      can enumerate them); ordered by code;
//   3. exact name, then name prefix: the name (text::NormalizeName) starts with the query;
//   4. substring: the name contains the query elsewhere.
// Tiers 3 and 4 are ordered by shorter name (in code points), then smaller subject id; exact
// name matches come first in tier 3 because they are its shortest names. A subject appears
// once, in its best tier.
//
// Algorithm. Every subject has a slot; a slot's text (code, name) never changes: an update
// that changes either gives the subject a new slot and marks the old one dead. The slots are
// split into two segments:
//  - the main segment, built in bulk by Load and by compactions, numbers its slots in rank
//    order (name length, then id), legal persons first and then residents, so every posting
//    list is two runs sorted in rank order (searches that leave residents out stop at the
//    first; others merge the two). Its posting lists live in one array (CSR layout) behind a
//    sorted array of gram keys; a second array sorts its slots by code for code lookups.
//  - the delta segment holds slots added since (new subjects, renames); its posting lists are
//    per-gram vectors (appending increasing slot numbers keeps them sorted) and its code
//    arrays are kept sorted by insertion. When it exceeds DeltaLimit (main / 16 within
//    bounds) slots, the next update compacts both segments into a new main segment,
//    prepared under a shared lock so searches continue meanwhile.
// A name of code points c0..cn-1 is indexed under the bigrams (ci, ci+1) with cn an end
// marker, plus one "starts with" bigram (c0, c1): n + 1 postings per name, no unigrams.
// For a query q0..qL-1 (L >= 2) the substring candidates are the intersection of the lists
// of (qi, qi+1), and the prefix candidates replace (q0, q1) by its "starts with" bigram; the
// lists are intersected smallest first by leapfrogging with galloping seeks. A one-character
// query takes the union of the contiguous key range (q0, *) (or its "starts with" range).
// For one or two characters these candidates are exactly the matches, so names are not read
// (the substring tier leaves out the prefix tier's slots by galloping through its lists);
// for longer queries each candidate is verified against its slot's text, since bigrams may
// co-occur without forming the query. Dead slots are skipped through a bitmap. Because main
// lists are in rank order, a tier stops as soon as it has the offset + limit best results
// and the total has passed kMaxCounted; delta candidates are all verified and merged in.
//
// Complexity per query: O(G log K) to find the G gram lists among K keys; the intersection
// costs O(G * s * log(n / s)) for the smallest list s in the worst case, but stops after
// about kMaxCounted + offset + limit matches; plus O(d) for the delta segment's candidates.
// Measured on 1M synthetic company names (2 cores shared with other work): CPU time per
// query p99 about 3 ms for 2-4 characters, 1 ms for one character.
//
// Memory per subject: 16 bytes of slot, the code and name bytes, 4 bytes per posting (name
// length + 1), 4 for the code order and about 8 for the id table; the gram keys add 16 bytes
// per distinct bigram. About 135 MB for a million ten-character company names; ten million
// subjects (most of them residents with three-character names) take about 1 GB. A
// compaction briefly holds the old and the new main segment.
//
// Thread-safe: many concurrent searches under a shared lock; updates take a short exclusive
// lock. The update that triggers a compaction builds it under the shared lock (searches go
// on, other updates wait: about 1.5 s of CPU for a million subjects) and swaps it in.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ids/ids.h"
#include "store/store.h"

namespace credence::search {

struct SearchOptions {
  // Whether residents (natural persons: subjects of kind person or with a resident ID number)
  // are matched by name. When false they are found only by their exact code, which is what
  // the public may do; their slots are kept apart, so leaving them out costs nothing.
  bool match_resident_names = true;
};

struct SearchResult {
  std::vector<int64_t> subject_ids;  // the requested page, best first
  int64_t total = 0;                 // matches in all pages (capped at kMaxCounted)
  bool total_capped = false;         // more than kMaxCounted subjects match
};

class SubjectIndex {
 public:
  // Matches are counted up to this many; pages are served within the first kMaxCounted
  // matches (an offset at or beyond it gives an empty page).
  static constexpr int64_t kMaxCounted = 10000;
  // Larger limits are reduced to this.
  static constexpr int64_t kMaxLimit = 100;
  // A code query needs at least this many characters to match codes by prefix.
  static constexpr size_t kMinCodePrefix = 6;
  // The delta segment is compacted into the main one when it exceeds DeltaLimit(main size):
  // main / 16, but at least kMinCompaction (so small indexes do not compact all the time)
  // and at most kMaxDelta (so that verifying delta candidates stays cheap).
  static constexpr size_t kMinCompaction = 16384;
  static constexpr size_t kMaxDelta = 262144;
  static constexpr size_t DeltaLimit(size_t main_slots) {
    return std::clamp(main_slots / 16, kMinCompaction, kMaxDelta);
  }
  // Names are indexed by their first kMaxNameBytes bytes (cut at a code point); codes longer
  // than kMaxCodeBytes are not indexed.
  static constexpr size_t kMaxNameBytes = 1023;
  static constexpr size_t kMaxCodeBytes = 63;

  SubjectIndex();
  ~SubjectIndex();
  SubjectIndex(const SubjectIndex&) = delete;
  SubjectIndex& operator=(const SubjectIndex&) = delete;

  // Subjects read per Store::ScanSubjects call by Load.
  static constexpr int64_t kLoadChunkSize = 100000;

  // Loads every subject from the store (replacing what was indexed), reading it in chunks of
  // chunk_size (> 0) through Store::ScanSubjects. On error the index keeps its previous
  // contents. Updates wait while it runs; searches see the old contents until it is done.
  Status Load(store::Store& store, int64_t chunk_size = kLoadChunkSize);
  // Adds or updates one subject; name_norm is text::NormalizeName of its name. The code is
  // normalised here (ids::NormalizeCode). code_kind says whether the code is a USCC (prefix
  // searchable) or a resident ID number (a resident); kUnknown means "find out with
  // ids::CheckCode". An update that changes nothing the index holds costs one lookup.
  void Upsert(int64_t subject_id, std::string_view code, std::string_view name_norm,
              ids::CodeKind code_kind = ids::CodeKind::kUnknown);
  // The same from a stored subject (id, code, code_kind, name_norm, and kind: a person is a
  // resident whatever its code). Preferred: it is what Load indexes.
  void Upsert(const store::Subject& subject);
  // The query is normalised here, both as a name and as a code. offset < 0 counts as 0;
  // limit is clamped to [0, kMaxLimit]. An empty query matches nothing.
  SearchResult Search(std::string_view query, int64_t offset, int64_t limit,
                      const SearchOptions& options = {}) const;
  // Subjects indexed.
  size_t size() const;
  // Approximate heap bytes held, for the RSS budget.
  size_t MemoryBytes() const;

 private:
  struct Data;  // the segments; see search.cc

  // Builds a new main segment from the live slots of `from` (which is left untouched).
  static std::unique_ptr<Data> Compact(const Data& from);
  // Upsert with the code normalised and its facts worked out.
  void Apply(int64_t subject_id, std::string_view normalized_code, std::string_view name_norm,
             bool code_is_uscc, bool is_resident);

  std::mutex writer_mutex_;          // one Load or Upsert at a time
  mutable std::shared_mutex mutex_;  // guards *data_
  std::unique_ptr<Data> data_;       // never null
};

}  // namespace credence::search
