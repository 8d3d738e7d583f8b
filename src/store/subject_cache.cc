#include "store/subject_cache.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>

#include "common/log.h"

namespace credence::store {
namespace {

// Appends fixed-size values and length-prefixed strings to one std::string.
class Packer {
 public:
  explicit Packer(std::string& out) : out_(out) {}
  template <typename T>
  void Put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void PutString(std::string_view text) {
    Put(static_cast<uint32_t>(text.size()));
    out_.append(text);
  }

 private:
  std::string& out_;
};

// Reads back what Packer wrote, in the same order.
class Unpacker {
 public:
  explicit Unpacker(std::string_view in) : in_(in) {}
  template <typename T>
  T Get() {
    T value;
    std::memcpy(&value, in_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return value;
  }
  std::string_view GetString() {
    auto size = Get<uint32_t>();
    std::string_view text = in_.substr(at_, size);
    at_ += size;
    return text;
  }

 private:
  std::string_view in_;
  size_t at_ = 0;
};

// The code and the number of heads lead the packed subject, so that a lookup by code
// compares, and counting reads, without unpacking.
std::string_view PackedCode(std::string_view packed) { return Unpacker(packed).GetString(); }

uint32_t PackedHeadCount(std::string_view packed) {
  Unpacker in(packed);
  in.GetString();
  return in.Get<uint32_t>();
}

}  // namespace

namespace {
uint64_t CodeHash(std::string_view code) { return std::hash<std::string_view>()(code); }
}  // namespace

SubjectCache::SubjectCache(Store& store) : store_(store) {
  observer_id_ = store_.AddCommitObserver([this](const CommitEvent& event) { OnCommit(event); });
}

SubjectCache::~SubjectCache() {
  store_.RemoveCommitObserver(observer_id_);
  if (!filler_.joinable()) return;
  {
    std::lock_guard lock(fill_mutex_);
    stopping_ = true;
  }
  fill_wake_.notify_one();
  filler_.join();
}

uint16_t SubjectCache::KindIndex(std::string_view kind) {
  {
    std::shared_lock lock(kinds_mutex_);
    if (auto found = kind_index_.find(std::string(kind)); found != kind_index_.end()) {
      return found->second;
    }
  }
  std::unique_lock lock(kinds_mutex_);
  if (auto found = kind_index_.find(std::string(kind)); found != kind_index_.end()) {
    return found->second;
  }
  auto index = static_cast<uint16_t>(kinds_.size());
  kinds_.emplace_back(kind);
  kind_index_.emplace(kinds_.back(), index);
  return index;
}

PackedHead SubjectCache::ToPacked(const RecordHead& head) {
  PackedHead packed{};
  packed.id = head.id;
  packed.content_hash = head.content_hash;
  packed.version = head.version;
  packed.decided_at = head.decided_at.days();
  packed.max_end = head.publicity_max_end ? head.publicity_max_end->days() : 0;
  packed.kind = KindIndex(head.kind);
  packed.status = static_cast<uint8_t>(head.status);
  packed.flags = static_cast<uint8_t>((head.published ? PackedHead::kPublished : 0) |
                                      (head.publicity_max_end ? PackedHead::kHasMaxEnd : 0));
  return packed;
}

std::string SubjectCache::Pack(const Subject& subject, std::span<const RecordHead> heads) {
  std::vector<PackedHead> packed_heads;
  packed_heads.reserve(heads.size());
  for (const RecordHead& head : heads) packed_heads.push_back(ToPacked(head));
  return Pack(subject, packed_heads);
}

std::string SubjectCache::Pack(const Subject& subject, std::span<const PackedHead> heads) {
  std::string packed;
  packed.reserve(64 + subject.code.size() + subject.name.size() + subject.name_norm.size() +
                 subject.legal_representative.size() + heads.size() * sizeof(PackedHead));
  Packer out(packed);
  out.PutString(subject.code);
  out.Put(static_cast<uint32_t>(heads.size()));
  out.Put(subject.id);
  out.Put(static_cast<uint8_t>(subject.code_kind));
  out.Put(static_cast<uint8_t>(subject.kind));
  out.Put(static_cast<uint8_t>(subject.status));
  out.Put(static_cast<uint8_t>(subject.code_flagged));
  out.Put(static_cast<uint8_t>(subject.registered_on.has_value()));
  out.Put(subject.registered_on ? subject.registered_on->days() : int32_t{0});
  out.Put(subject.created_at.micros());
  out.Put(subject.updated_at.micros());
  out.PutString(subject.name);
  out.PutString(subject.name_norm);
  out.PutString(subject.region);
  out.PutString(subject.industry);
  out.PutString(subject.legal_representative);
  for (const PackedHead& head : heads) out.Put(head);
  packed.shrink_to_fit();
  return packed;
}

SubjectCache::Unpacked SubjectCache::Unpack(std::string_view packed, bool with_heads) const {
  Unpacked result;
  Subject& subject = result.subject;
  Unpacker in(packed);
  subject.code = in.GetString();
  auto count = in.Get<uint32_t>();
  subject.id = in.Get<int64_t>();
  subject.code_kind = static_cast<ids::CodeKind>(in.Get<uint8_t>());
  subject.kind = static_cast<ids::SubjectKind>(in.Get<uint8_t>());
  subject.status = static_cast<SubjectStatus>(in.Get<uint8_t>());
  subject.code_flagged = in.Get<uint8_t>() != 0;
  bool registered = in.Get<uint8_t>() != 0;
  auto registered_on = in.Get<int32_t>();
  if (registered) subject.registered_on = Date::FromDays(registered_on);
  subject.created_at = Timestamp::FromMicros(in.Get<int64_t>());
  subject.updated_at = Timestamp::FromMicros(in.Get<int64_t>());
  subject.name = in.GetString();
  subject.name_norm = in.GetString();
  subject.region = in.GetString();
  subject.industry = in.GetString();
  subject.legal_representative = in.GetString();
  if (!with_heads) return result;
  std::shared_lock kinds_lock(kinds_mutex_);
  result.heads.resize(count);
  for (RecordHead& head : result.heads) {
    auto packed_head = in.Get<PackedHead>();
    head.id = packed_head.id;
    head.subject_id = subject.id;
    head.kind = kinds_[packed_head.kind];
    head.status = static_cast<RecordStatus>(packed_head.status);
    head.decided_at = Date::FromDays(packed_head.decided_at);
    if (packed_head.flags & PackedHead::kHasMaxEnd) {
      head.publicity_max_end = Date::FromDays(packed_head.max_end);
    }
    head.published = (packed_head.flags & PackedHead::kPublished) != 0;
    head.version = packed_head.version;
    head.content_hash = packed_head.content_hash;
  }
  return result;
}

const std::string* SubjectCache::Table::Find(int64_t id) const {
  if (id <= 0 || static_cast<size_t>(id) >= packed.size()) return nullptr;
  const std::string& slot = packed[static_cast<size_t>(id)];
  return slot.empty() ? nullptr : &slot;
}

std::optional<int64_t> SubjectCache::Table::IdOfCode(std::string_view code) const {
  if (!by_colliding_code.empty()) {
    if (auto found = by_colliding_code.find(std::string(code)); found != by_colliding_code.end()) {
      return found->second;
    }
  }
  auto found = by_code_hash.find(CodeHash(code));
  if (found == by_code_hash.end()) return std::nullopt;
  const std::string* subject = Find(found->second);
  if (subject == nullptr || PackedCode(*subject) != code) return std::nullopt;
  return found->second;
}

void SubjectCache::Table::Install(int64_t id, std::string packed_subject, std::string_view code) {
  if (id <= 0) return;
  if (static_cast<size_t>(id) >= packed.size()) {
    if (packed_subject.empty()) return;
    packed.resize(std::max<size_t>(static_cast<size_t>(id) + 1, packed.size() * 5 / 4));
  }
  std::string& slot = packed[static_cast<size_t>(id)];
  if (!slot.empty()) {
    std::string_view old_code = PackedCode(slot);
    if (by_colliding_code.erase(std::string(old_code)) == 0) {
      auto found = by_code_hash.find(CodeHash(old_code));
      if (found != by_code_hash.end() && found->second == id) by_code_hash.erase(found);
    }
    bytes -= static_cast<int64_t>(slot.capacity());
    record_heads -= PackedHeadCount(slot);
    --subjects;
    slot = std::string();
  }
  if (packed_subject.empty()) return;
  slot = std::move(packed_subject);
  ++subjects;
  bytes += static_cast<int64_t>(slot.capacity());
  record_heads += PackedHeadCount(slot);
  auto [at, inserted] = by_code_hash.emplace(CodeHash(code), id);
  if (!inserted && at->second != id) by_colliding_code.emplace(std::string(code), id);
}

void SubjectCache::StopUsingLocked() {
  ready_ = false;
  table_ = Table();
  fill_wake_.notify_one();
}

Result<std::vector<SubjectCache::Loaded>> SubjectCache::Load(std::span<const int64_t> subject_ids) {
  std::vector<Loaded> loaded;
  loaded.reserve(subject_ids.size());
  for (int64_t id : subject_ids) {
    CREDENCE_ASSIGN_OR_RETURN(std::optional<Subject> subject, store_.GetSubject(id));
    Loaded& entry = loaded.emplace_back();
    entry.id = id;
    if (!subject) continue;
    CREDENCE_ASSIGN_OR_RETURN(std::vector<RecordHead> heads, store_.ListRecordHeads(id));
    entry.code = subject->code;
    entry.packed = Pack(*subject, heads);
  }
  return loaded;
}

Status SubjectCache::Fill() {
  {
    std::unique_lock lock(mutex_);
    filling_ = true;
    fill_invalidated_ = false;
    touched_while_filling_.clear();
  }
  Table table;
  Status filled = FillTable(table);
  // What was committed while the scans ran may be missing from them: reloaded until no commit
  // came in between, then the table is swapped in under one lock.
  while (filled) {
    std::vector<int64_t> touched;
    {
      std::unique_lock lock(mutex_);
      touched.swap(touched_while_filling_);
      if (fill_invalidated_) {
        filled =
            Fail(Error::Unavailable("the store changed in ways it cannot name during the fill"));
        break;
      }
      if (touched.empty()) {
        filling_ = false;
        table_ = std::move(table);
        ready_ = true;
        return OkStatus();
      }
    }
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    Result<std::vector<Loaded>> reloaded = Load(touched);
    if (!reloaded) {
      filled = Fail(std::move(reloaded).error());
      break;
    }
    for (Loaded& entry : *reloaded) table.Install(entry.id, std::move(entry.packed), entry.code);
  }
  std::unique_lock lock(mutex_);
  filling_ = false;
  return filled;
}

Status SubjectCache::FillTable(Table& table) {
  // The heads with their subject ids (40 bytes each), sorted by subject in the order
  // ListRecordHeads promises, then packed into their subjects as those stream by in id order.
  struct SubjectHead {
    int64_t subject_id;
    PackedHead head;
  };
  std::vector<SubjectHead> heads;
  CREDENCE_ASSIGN_OR_RETURN(StoreStats stats, store_.Stats());
  heads.reserve(static_cast<size_t>(stats.records + stats.records / 50 + 1024));
  CREDENCE_RETURN_IF_ERROR(store_.ScanRecordHeads([&](const RecordHead& head) -> Status {
    heads.push_back(SubjectHead{head.subject_id, ToPacked(head)});
    return OkStatus();
  }));
  std::sort(heads.begin(), heads.end(), [](const SubjectHead& a, const SubjectHead& b) {
    if (a.subject_id != b.subject_id) return a.subject_id < b.subject_id;
    if (a.head.decided_at != b.head.decided_at) return a.head.decided_at < b.head.decided_at;
    return a.head.id < b.head.id;
  });
  table.packed.reserve(static_cast<size_t>(stats.subjects + stats.subjects / 50 + 1024));
  table.by_code_hash.reserve(static_cast<size_t>(stats.subjects + stats.subjects / 50 + 1024));
  size_t next = 0;
  std::vector<PackedHead> subject_heads;
  CREDENCE_RETURN_IF_ERROR(store_.ScanSubjects(0, -1, [&](const Subject& subject) {
    while (next < heads.size() && heads[next].subject_id < subject.id) ++next;  // no subject
    subject_heads.clear();
    for (; next < heads.size() && heads[next].subject_id == subject.id; ++next) {
      subject_heads.push_back(heads[next].head);
    }
    table.Install(subject.id, Pack(subject, subject_heads), subject.code);
  }));
  return OkStatus();
}

void SubjectCache::StartBackgroundFill() {
  filler_ = std::thread([this] {
    std::unique_lock lock(fill_mutex_);
    while (!stopping_) {
      bool ready;
      {
        std::shared_lock state(mutex_);
        ready = ready_;
      }
      if (!ready) {
        lock.unlock();
        auto started = std::chrono::steady_clock::now();
        Status filled = Fill();
        double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        Usage loaded = usage();
        if (filled) {
          LogInfo("subject_cache.filled", {{"subjects", loaded.subjects},
                                           {"record_heads", loaded.record_heads},
                                           {"bytes", loaded.bytes},
                                           {"seconds", seconds}});
        } else {
          LogWarn("subject_cache.fill_failed", {{"error", filled.error().ToString()}});
        }
        lock.lock();
        if (!filled) {
          fill_wake_.wait_for(lock, std::chrono::seconds(5), [this] { return stopping_; });
        }
        continue;
      }
      fill_wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
    }
  });
}

void SubjectCache::OnCommit(const CommitEvent& event) {
  {
    std::unique_lock lock(mutex_);
    if (filling_) {
      touched_while_filling_.insert(touched_while_filling_.end(), event.subject_ids.begin(),
                                    event.subject_ids.end());
    }
    if (event.everything) {
      // Unknown changes: reads go to the store until the background fill has reloaded all.
      StopUsingLocked();
      fill_invalidated_ = true;  // a fill running now starts over
      return;
    }
    if (!ready_) return;
  }
  // The commit has happened and cannot be failed: a subject that cannot be reloaded turns the
  // cache off rather than leave it stale.
  Result<std::vector<Loaded>> loaded = Load(event.subject_ids);
  std::unique_lock lock(mutex_);
  if (!loaded) {
    LogWarn("subject_cache.reload_failed", {{"error", loaded.error().ToString()}});
    StopUsingLocked();
    return;
  }
  if (!ready_) return;
  for (Loaded& entry : *loaded) table_.Install(entry.id, std::move(entry.packed), entry.code);
}

Result<std::optional<Subject>> SubjectCache::FindSubjectByCode(std::string_view code) {
  {
    std::shared_lock lock(mutex_);
    if (ready_) {
      std::optional<int64_t> id = table_.IdOfCode(code);
      if (!id) return std::optional<Subject>();
      return std::optional<Subject>(Unpack(*table_.Find(*id), false).subject);
    }
  }
  return store_.FindSubjectByCode(code);
}

Result<std::optional<Subject>> SubjectCache::GetSubject(int64_t id) {
  {
    std::shared_lock lock(mutex_);
    if (ready_) {
      const std::string* packed = table_.Find(id);
      if (packed == nullptr) return std::optional<Subject>();
      return std::optional<Subject>(Unpack(*packed, false).subject);
    }
  }
  return store_.GetSubject(id);
}

Result<std::vector<Subject>> SubjectCache::GetSubjects(std::span<const int64_t> ids) {
  {
    std::shared_lock lock(mutex_);
    if (ready_) {
      std::vector<Subject> subjects;
      subjects.reserve(ids.size());
      for (int64_t id : ids) {
        if (const std::string* packed = table_.Find(id)) {
          subjects.push_back(Unpack(*packed, false).subject);
        }
      }
      return subjects;
    }
  }
  return store_.GetSubjects(ids);
}

Result<std::vector<RecordHead>> SubjectCache::ListRecordHeads(int64_t subject_id) {
  {
    std::shared_lock lock(mutex_);
    if (ready_) {
      const std::string* packed = table_.Find(subject_id);
      if (packed == nullptr) return std::vector<RecordHead>();
      return Unpack(*packed, true).heads;
    }
  }
  return store_.ListRecordHeads(subject_id);
}

SubjectCache::Usage SubjectCache::usage() const {
  std::shared_lock lock(mutex_);
  return Usage{ready_, table_.subjects, table_.record_heads, table_.bytes};
}

}  // namespace credence::store
