// Every subject and the heads of its records, in memory: the read path of credit files.
//
// A profile lookup needs a subject by code and the heads of its records. From SQLite that is
// two read transactions and a dozen page reads; from here it is a hash lookup and a copy, so
// that `credence serve` answers profiles at close to the speed of its trivial endpoint.
//
// Consistency with the store: the cache is either complete and current ("ready") or not used.
//  - Fill() loads everything from one pass over the record heads and one over the subjects;
//    until it has finished, every read goes to the store. Subjects committed while it runs are
//    reloaded before it declares the cache ready.
//  - The cache observes the store's commits (Store::AddCommitObserver): the subjects a
//    transaction touched are reloaded before Commit returns, so a reply sent after a write
//    (an ingest report) is followed by reads that see it.
//  - When the store reports changes it cannot name (another process wrote to the file), or a
//    reload fails, the cache stops answering and a background fill (StartBackgroundFill)
//    loads it again.
//
// Memory: one packed string per subject (its fields and its heads, ~330 bytes for a subject
// with five records) and one hash entry per code (~40 bytes): about 370 MB for a city of 1M
// subjects, under 4 GB for 10M.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "store/store.h"

namespace credence::store {

// A record head as the cache keeps it: 32 bytes, the kind as an index into the cache's kinds.
struct PackedHead {
  static constexpr uint8_t kPublished = 1;
  static constexpr uint8_t kHasMaxEnd = 2;
  int64_t id;
  int64_t content_hash;
  int32_t version;
  int32_t decided_at;  // days since 1970-01-01
  int32_t max_end;     // publicity_max_end in days, when flags has kHasMaxEnd
  uint16_t kind;
  uint8_t status;
  uint8_t flags;
};

class SubjectCache final : public SubjectReads {
 public:
  // Registers itself as a commit observer of store, which must outlive it.
  explicit SubjectCache(Store& store);

  SubjectCache(const SubjectCache&) = delete;
  SubjectCache& operator=(const SubjectCache&) = delete;

  ~SubjectCache() override;

  // Loads every subject and record head; safe to run while reads and commits go on.
  Status Fill();
  // Runs Fill() on a thread of its own now and whenever the cache stops being ready; stopped
  // by the destructor. Failures are logged and retried after a pause.
  void StartBackgroundFill();

  Result<std::optional<Subject>> FindSubjectByCode(std::string_view code) override;
  Result<std::optional<Subject>> GetSubject(int64_t id) override;
  Result<std::vector<Subject>> GetSubjects(std::span<const int64_t> ids) override;
  Result<std::vector<RecordHead>> ListRecordHeads(int64_t subject_id) override;

  struct Usage {
    bool ready = false;  // filled and not invalidated since
    int64_t subjects = 0;
    int64_t record_heads = 0;
    int64_t bytes = 0;  // packed subjects and heads (hash tables not counted)
  };
  Usage usage() const;

 private:
  struct Unpacked {
    Subject subject;
    std::vector<RecordHead> heads;
  };

  struct Loaded {
    int64_t id = 0;
    std::string code;
    std::string packed;  // empty: the subject does not exist (any more)
  };

  // Subjects by id and by code. Built privately by a fill, then swapped in.
  struct Table {
    std::vector<std::string> packed;  // by subject id; empty string: absent
    // Codes by a 64-bit hash, checked against the packed code; the rare codes whose hash is
    // taken by another code are kept by their text.
    std::unordered_map<uint64_t, int64_t> by_code_hash;
    std::unordered_map<std::string, int64_t> by_colliding_code;
    int64_t subjects = 0;
    int64_t record_heads = 0;
    int64_t bytes = 0;

    // Installs, replaces or (empty packed) removes one subject.
    void Install(int64_t id, std::string packed_subject, std::string_view code);
    std::optional<int64_t> IdOfCode(std::string_view code) const;
    // The packed subject, or nullptr.
    const std::string* Find(int64_t id) const;
  };

  void OnCommit(const CommitEvent& event);
  // Loads every subject into table from one scan of the heads and one of the subjects.
  Status FillTable(Table& table);
  // Reads subjects and their heads from the store, packed.
  Result<std::vector<Loaded>> Load(std::span<const int64_t> subject_ids);
  void StopUsingLocked();  // mutex_ held exclusively

  PackedHead ToPacked(const RecordHead& head);
  std::string Pack(const Subject& subject, std::span<const RecordHead> heads);
  std::string Pack(const Subject& subject, std::span<const PackedHead> heads);
  Unpacked Unpack(std::string_view packed, bool with_heads) const;
  uint16_t KindIndex(std::string_view kind);

  Store& store_;
  int64_t observer_id_ = 0;

  mutable std::shared_mutex mutex_;
  bool ready_ = false;  // guarded by mutex_
  Table table_;         // guarded by mutex_

  // Kind keys by index, for packed heads; only appended to (own lock: packing happens outside
  // mutex_).
  mutable std::shared_mutex kinds_mutex_;
  std::vector<std::string> kinds_;
  std::unordered_map<std::string, uint16_t> kind_index_;

  // Subjects committed while a fill runs, reloaded before it ends.
  bool filling_ = false;                        // guarded by mutex_
  bool fill_invalidated_ = false;               // guarded by mutex_
  std::vector<int64_t> touched_while_filling_;  // guarded by mutex_

  // The background fill.
  std::mutex fill_mutex_;
  std::condition_variable fill_wake_;
  bool stopping_ = false;  // guarded by fill_mutex_
  std::thread filler_;
};

}  // namespace credence::store
