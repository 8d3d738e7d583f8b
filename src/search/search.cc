#include "search/search.h"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <queue>
#include <span>
#include <string>
#include <utility>

#include "common/log.h"
#include "text/text.h"

namespace credence::search {
namespace internal {

constexpr uint32_t kNoSlot = UINT32_MAX;
// Outside Unicode: the second half of the bigram of a name's last code point.
constexpr char32_t kEndOfName = 0x1FFFFF;
constexpr char32_t kReplacementCharacter = 0xFFFD;
// Ranking compares name lengths up to this many code points (longer names tie).
constexpr size_t kMaxRankedChars = 255;

// One subject's text as indexed. 16 bytes: the text itself lives in the arena as the code's
// bytes immediately followed by the name's.
struct Slot {
  int64_t subject_id;
  uint64_t text_offset : 38;
  uint64_t code_bytes : 6;
  uint64_t name_bytes : 10;
  uint64_t name_chars : 8;
  uint64_t code_is_uscc : 1;
  uint64_t is_resident : 1;  // a natural person: matched by name only when asked for
};
static_assert(sizeof(Slot) == 16);
static_assert(SubjectIndex::kMaxCodeBytes < (1u << 6));
static_assert(SubjectIndex::kMaxNameBytes < (1u << 10));

// Decodes the code point at text[*pos] and advances *pos past it. A malformed sequence decodes
// as U+FFFD and advances one byte, as text::CodePoints does.
char32_t DecodeCodePoint(std::string_view text, size_t* pos) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t start = *pos;
  const unsigned char lead = bytes[start];
  *pos = start + 1;
  if (lead < 0x80) return lead;
  size_t continuation_bytes;
  char32_t code_point;
  char32_t smallest;
  if ((lead & 0xE0) == 0xC0) {
    continuation_bytes = 1, code_point = lead & 0x1F, smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    continuation_bytes = 2, code_point = lead & 0x0F, smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    continuation_bytes = 3, code_point = lead & 0x07, smallest = 0x10000;
  } else {
    return kReplacementCharacter;
  }
  if (start + continuation_bytes >= text.size()) return kReplacementCharacter;
  for (size_t k = 1; k <= continuation_bytes; ++k) {
    const unsigned char byte = bytes[start + k];
    if ((byte & 0xC0) != 0x80) return kReplacementCharacter;
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  if (code_point < smallest || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return kReplacementCharacter;
  }
  *pos = start + 1 + continuation_bytes;
  return code_point;
}

void DecodeCodePoints(std::string_view text, std::vector<char32_t>* out) {
  out->clear();
  for (size_t pos = 0; pos < text.size();) out->push_back(DecodeCodePoint(text, &pos));
}

// The longest prefix of name of at most kMaxNameBytes bytes that ends on a code point.
std::string_view TruncateName(std::string_view name) {
  if (name.size() <= SubjectIndex::kMaxNameBytes) return name;
  size_t end = SubjectIndex::kMaxNameBytes;
  while (end > 0 && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80) --end;
  return name.substr(0, end);
}

// Gram keys: bit 42 says "the name starts with this bigram", then 21 bits per code point.
// Keys sharing a first code point and namespace are contiguous, which one-character queries
// use.
uint64_t GramKey(bool at_start, char32_t first, char32_t second) {
  return (uint64_t{at_start} << 42) | (uint64_t{first} << 21) | uint64_t{second};
}

// Calls add(key) for every gram a name is indexed under (a key may repeat).
template <typename AddFn>
void ForEachNameGram(const std::vector<char32_t>& chars, AddFn&& add) {
  if (chars.empty()) return;
  add(GramKey(true, chars[0], chars.size() > 1 ? chars[1] : kEndOfName));
  for (size_t i = 0; i < chars.size(); ++i) {
    add(GramKey(false, chars[i], i + 1 < chars.size() ? chars[i + 1] : kEndOfName));
  }
}

uint64_t MixBits(uint64_t value) {  // splitmix64's finaliser
  value ^= value >> 30;
  value *= 0xbf58476d1ce4e5b9ULL;
  value ^= value >> 27;
  value *= 0x94d049bb133111ebULL;
  value ^= value >> 31;
  return value;
}

size_t PowerOfTwoAtLeast(size_t n) {
  size_t size = 64;
  while (size < n) size <<= 1;
  return size;
}

// subject id → its live slot: open addressing over slot numbers (4 bytes a cell, at most half
// full), the key being read from the slot itself.
class IdTable {
 public:
  uint32_t Find(int64_t subject_id, const std::vector<Slot>& slots) const {
    if (cells_.empty()) return kNoSlot;
    for (size_t cell = HomeCell(subject_id);; cell = NextCell(cell)) {
      const uint32_t slot = cells_[cell];
      if (slot == kNoSlot || slots[slot].subject_id == subject_id) return slot;
    }
  }

  // Points subject_id at slot (replacing its previous slot, if any).
  void Set(int64_t subject_id, uint32_t slot, const std::vector<Slot>& slots) {
    if ((used_ + 1) * 2 > cells_.size()) Rehash((used_ + 1) * 4, slots);
    size_t cell = HomeCell(subject_id);
    while (cells_[cell] != kNoSlot && slots[cells_[cell]].subject_id != subject_id) {
      cell = NextCell(cell);
    }
    if (cells_[cell] == kNoSlot) ++used_;
    cells_[cell] = slot;
  }

  void Reserve(size_t subjects, const std::vector<Slot>& slots) {
    if (subjects * 2 > cells_.size()) Rehash(subjects * 2, slots);
  }

  size_t Bytes() const { return cells_.capacity() * sizeof(uint32_t); }

 private:
  // Any table size works (no rounding up to a power of two): the hash is scaled to it.
  size_t HomeCell(int64_t subject_id) const {
    return static_cast<size_t>(
        (static_cast<unsigned __int128>(MixBits(subject_id)) * cells_.size()) >> 64);
  }
  size_t NextCell(size_t cell) const { return cell + 1 == cells_.size() ? 0 : cell + 1; }

  void Rehash(size_t size, const std::vector<Slot>& slots) {
    std::vector<uint32_t> old = std::move(cells_);
    cells_.assign(std::max<size_t>(size, 64), kNoSlot);
    for (uint32_t slot : old) {
      if (slot == kNoSlot) continue;
      size_t cell = HomeCell(slots[slot].subject_id);
      while (cells_[cell] != kNoSlot) cell = NextCell(cell);
      cells_[cell] = slot;
    }
  }

  std::vector<uint32_t> cells_;
  size_t used_ = 0;
};

// gram key → dense gram number, used while building a main segment.
class GramNumbers {
 public:
  explicit GramNumbers(size_t expected) : table_keys_(PowerOfTwoAtLeast(expected * 2), kEmpty) {
    table_numbers_.resize(table_keys_.size());
  }

  uint32_t FindOrAdd(uint64_t key) {
    if ((keys_.size() + 1) * 2 > table_keys_.size()) Grow();
    size_t cell = FindCell(key);
    if (table_keys_[cell] == kEmpty) {
      table_keys_[cell] = key;
      table_numbers_[cell] = static_cast<uint32_t>(keys_.size());
      keys_.push_back(key);
    }
    return table_numbers_[cell];
  }
  // The number of a key added before.
  uint32_t Find(uint64_t key) const { return table_numbers_[FindCell(key)]; }
  // Keys by number.
  const std::vector<uint64_t>& keys() const { return keys_; }

 private:
  static constexpr uint64_t kEmpty = UINT64_MAX;  // gram keys use 43 bits

  size_t FindCell(uint64_t key) const {
    const size_t mask = table_keys_.size() - 1;
    size_t cell = MixBits(key) & mask;
    while (table_keys_[cell] != kEmpty && table_keys_[cell] != key) cell = (cell + 1) & mask;
    return cell;
  }

  void Grow() {
    std::vector<uint64_t> old_keys = std::move(table_keys_);
    std::vector<uint32_t> old_numbers = std::move(table_numbers_);
    table_keys_.assign(old_keys.size() * 2, kEmpty);
    table_numbers_.assign(table_keys_.size(), 0);
    for (size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i] == kEmpty) continue;
      const size_t cell = FindCell(old_keys[i]);
      table_keys_[cell] = old_keys[i];
      table_numbers_[cell] = old_numbers[i];
    }
  }

  std::vector<uint64_t> table_keys_;
  std::vector<uint32_t> table_numbers_;
  std::vector<uint64_t> keys_;
};

struct IndexData {
  // Every slot's text; slots never change their text, so it is only appended to (and
  // rewritten, compacted, by Compact).
  std::string arena;
  std::vector<Slot> slots;
  // Slots [0, main_end) are the main segment: legal persons in rank order, then from
  // resident_begin the residents in rank order.
  uint32_t main_end = 0;
  uint32_t resident_begin = 0;
  // One bit per slot: superseded by a later slot of the same subject. Apart from the slots
  // so that skipping dead candidates touches a few cache lines, not one per candidate.
  std::vector<uint64_t> dead_bits;
  size_t dead = 0;
  IdTable slot_of_id;

  // Main segment: gram_keys sorted; the postings of gram_keys[g] are
  // postings[gram_begin[g], gram_begin[g + 1]), in increasing slot order.
  std::vector<uint64_t> gram_keys;
  std::vector<uint64_t> gram_begin;
  std::vector<uint32_t> postings;
  // Slots with a code, by (code, subject id): USCCs apart, so that prefix ranges hold
  // nothing else.
  std::vector<uint32_t> main_uscc_by_code;
  std::vector<uint32_t> main_other_by_code;

  // Delta segment: slots [main_end, slots.size()).
  std::map<uint64_t, std::vector<uint32_t>> delta_postings;
  std::vector<uint32_t> delta_uscc_by_code;
  std::vector<uint32_t> delta_other_by_code;

  std::string_view Code(uint32_t slot) const {
    const Slot& s = slots[slot];
    return std::string_view(arena).substr(s.text_offset, s.code_bytes);
  }
  std::string_view Name(uint32_t slot) const {
    const Slot& s = slots[slot];
    return std::string_view(arena).substr(s.text_offset + s.code_bytes, s.name_bytes);
  }
  size_t delta_size() const { return slots.size() - main_end; }
  size_t live() const { return slots.size() - dead; }
  bool IsDead(uint32_t slot) const { return (dead_bits[slot >> 6] >> (slot & 63)) & 1; }
  void MarkDead(uint32_t slot) {
    dead_bits[slot >> 6] |= uint64_t{1} << (slot & 63);
    ++dead;
  }

  // Orders slots by (name length, subject id): the rank within the name tiers.
  bool RankLess(uint32_t a, uint32_t b) const {
    const Slot& x = slots[a];
    const Slot& y = slots[b];
    if (x.name_chars != y.name_chars) return x.name_chars < y.name_chars;
    return x.subject_id < y.subject_id;
  }
  bool CodeLess(uint32_t a, uint32_t b) const {
    const std::string_view x = Code(a), y = Code(b);
    if (x != y) return x < y;
    return slots[a].subject_id < slots[b].subject_id;
  }

  // Appends a slot with this text (already normalised and within the size limits) and returns
  // its number. It is not indexed yet.
  uint32_t AppendSlot(int64_t subject_id, std::string_view code, std::string_view name,
                      bool code_is_uscc, bool is_resident) {
    Slot slot{};
    slot.subject_id = subject_id;
    slot.text_offset = arena.size();
    slot.code_bytes = code.size();
    slot.name_bytes = name.size();
    size_t chars = 0;
    for (size_t pos = 0; pos < name.size(); ++chars) DecodeCodePoint(name, &pos);
    slot.name_chars = std::min(chars, kMaxRankedChars);
    slot.code_is_uscc = code_is_uscc;
    slot.is_resident = is_resident;
    arena.append(code);
    arena.append(name);
    slots.push_back(slot);
    if (dead_bits.size() * 64 < slots.size()) dead_bits.push_back(0);
    return static_cast<uint32_t>(slots.size() - 1);
  }

  // Indexes a slot appended after the main segment.
  void IndexDeltaSlot(uint32_t slot) {
    std::vector<char32_t> chars;
    DecodeCodePoints(Name(slot), &chars);
    ForEachNameGram(chars, [&](uint64_t key) {
      std::vector<uint32_t>& list = delta_postings[key];
      if (list.empty() || list.back() != slot) list.push_back(slot);
    });
    if (slots[slot].code_bytes > 0) {
      std::vector<uint32_t>& by_code =
          slots[slot].code_is_uscc ? delta_uscc_by_code : delta_other_by_code;
      auto position = std::upper_bound(by_code.begin(), by_code.end(), slot,
                                       [&](uint32_t a, uint32_t b) { return CodeLess(a, b); });
      by_code.insert(position, slot);
    }
    slot_of_id.Set(slots[slot].subject_id, slot, slots);
  }

  // The main segment's postings of one gram (empty if none).
  std::span<const uint32_t> MainPostings(uint64_t key) const {
    auto found = std::lower_bound(gram_keys.begin(), gram_keys.end(), key);
    if (found == gram_keys.end() || *found != key) return {};
    return MainPostingsAt(static_cast<size_t>(found - gram_keys.begin()));
  }
  std::span<const uint32_t> MainPostingsAt(size_t gram) const {
    return std::span<const uint32_t>(postings.data() + gram_begin[gram],
                                     gram_begin[gram + 1] - gram_begin[gram]);
  }

  size_t Bytes() const {
    // A std::map node holds the key, the vector and three pointers plus a colour.
    constexpr size_t kMapNodeBytes = 32 + sizeof(uint64_t) + sizeof(std::vector<uint32_t>);
    size_t bytes = arena.capacity() + slots.capacity() * sizeof(Slot) + slot_of_id.Bytes() +
                   gram_keys.capacity() * sizeof(uint64_t) +
                   gram_begin.capacity() * sizeof(uint64_t) +
                   postings.capacity() * sizeof(uint32_t) +
                   (main_uscc_by_code.capacity() + main_other_by_code.capacity() +
                    delta_uscc_by_code.capacity() + delta_other_by_code.capacity()) *
                       sizeof(uint32_t);
    for (const auto& [key, list] : delta_postings) {
      bytes += kMapNodeBytes + list.capacity() * sizeof(uint32_t);
    }
    return bytes;
  }
};

// Fills the main segment's postings from its slots (all of them, in slot order, so every list
// comes out sorted). Two passes over the names: count per gram, then place; no pair list.
void BuildPostings(IndexData& data) {
  const uint32_t slot_count = data.main_end;
  GramNumbers numbers(std::max<size_t>(1024, slot_count / 2));
  std::vector<uint32_t> counts;
  std::vector<uint32_t> last_slot;
  std::vector<char32_t> chars;
  for (uint32_t slot = 0; slot < slot_count; ++slot) {
    DecodeCodePoints(data.Name(slot), &chars);
    ForEachNameGram(chars, [&](uint64_t key) {
      const uint32_t number = numbers.FindOrAdd(key);
      if (number == counts.size()) {
        counts.push_back(0);
        last_slot.push_back(kNoSlot);
      }
      if (last_slot[number] != slot) {
        last_slot[number] = slot;
        ++counts[number];
      }
    });
  }

  const std::vector<uint64_t>& keys = numbers.keys();
  std::vector<uint32_t> numbers_by_key(keys.size());
  std::iota(numbers_by_key.begin(), numbers_by_key.end(), 0);
  std::sort(numbers_by_key.begin(), numbers_by_key.end(),
            [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
  data.gram_keys.resize(keys.size());
  data.gram_begin.resize(keys.size() + 1);
  std::vector<uint64_t> next_position(keys.size());
  uint64_t total = 0;
  for (size_t rank = 0; rank < numbers_by_key.size(); ++rank) {
    const uint32_t number = numbers_by_key[rank];
    data.gram_keys[rank] = keys[number];
    data.gram_begin[rank] = total;
    next_position[number] = total;
    total += counts[number];
  }
  data.gram_begin[keys.size()] = total;
  data.postings.resize(total);

  std::fill(last_slot.begin(), last_slot.end(), kNoSlot);
  for (uint32_t slot = 0; slot < slot_count; ++slot) {
    DecodeCodePoints(data.Name(slot), &chars);
    ForEachNameGram(chars, [&](uint64_t key) {
      const uint32_t number = numbers.Find(key);
      if (last_slot[number] != slot) {
        last_slot[number] = slot;
        data.postings[next_position[number]++] = slot;
      }
    });
  }
}

// A cursor over one sorted posting list.
struct Cursor {
  const uint32_t* at;
  const uint32_t* end;
  size_t size() const { return static_cast<size_t>(end - at); }
};

// Moves the cursor to the first element >= target: exponential steps, then binary search,
// so skipping n elements costs O(log n).
void Seek(Cursor& cursor, uint32_t target) {
  if (cursor.at == cursor.end || *cursor.at >= target) return;
  const uint32_t* low = cursor.at;  // *low < target
  size_t step = 1;
  while (low + step < cursor.end && low[step] < target) {
    low += step;
    step <<= 1;
  }
  const uint32_t* high = low + step < cursor.end ? low + step + 1 : cursor.end;
  cursor.at = std::lower_bound(low + 1, high, target);
}

// The slots in all (intersection) or any (union) of some posting lists, in increasing order,
// each once.
class CandidateStream {
 public:
  enum class Mode { kIntersection, kUnion };

  CandidateStream(const std::vector<std::span<const uint32_t>>& lists, Mode mode) : mode_(mode) {
    for (const auto& list : lists) {
      if (list.empty()) {
        if (mode == Mode::kIntersection) exhausted_ = true;
        continue;
      }
      cursors_.push_back({list.data(), list.data() + list.size()});
    }
    if (cursors_.empty()) exhausted_ = true;
    if (exhausted_) return;
    if (mode == Mode::kIntersection) {
      // The smallest list leads: the leapfrog then skips through the others by galloping.
      std::sort(cursors_.begin(), cursors_.end(),
                [](const Cursor& a, const Cursor& b) { return a.size() < b.size(); });
    } else {
      for (uint32_t i = 0; i < cursors_.size(); ++i) heap_.push({*cursors_[i].at, i});
    }
  }

  bool Next(uint32_t* slot) {
    if (exhausted_) return false;
    return mode_ == Mode::kIntersection ? NextInAll(slot) : NextInAny(slot);
  }

  // Whether the stream holds `slot`. Calls must ask about increasing slots, and not be mixed
  // with Next; skipping ahead gallops, so asking about few slots of a long stream is cheap.
  bool Contains(uint32_t slot) {
    if (has_peeked_ && peeked_ >= slot) return peeked_ == slot;
    has_peeked_ = NextAtLeast(slot, &peeked_);
    return has_peeked_ && peeked_ == slot;
  }

 private:
  bool NextInAll(uint32_t* slot) {
    Cursor& lead = cursors_[0];
    if (lead.at == lead.end) return Exhaust();
    const size_t count = cursors_.size();
    uint32_t candidate = *lead.at;
    size_t agreeing = 1;  // consecutive cursors (in visiting order) standing on candidate
    size_t next = 1 % count;
    while (agreeing < count) {
      Cursor& cursor = cursors_[next];
      Seek(cursor, candidate);
      if (cursor.at == cursor.end) return Exhaust();
      if (*cursor.at == candidate) {
        ++agreeing;
      } else {
        candidate = *cursor.at;
        agreeing = 1;
      }
      next = (next + 1) % count;
    }
    *slot = candidate;
    Seek(lead, candidate + 1);
    return true;
  }

  bool NextInAny(uint32_t* slot) {
    while (!heap_.empty()) {
      const auto [value, index] = heap_.top();
      heap_.pop();
      Cursor& cursor = cursors_[index];
      if (++cursor.at != cursor.end) heap_.push({*cursor.at, index});
      if (!emitted_any_ || value != last_emitted_) {
        emitted_any_ = true;
        last_emitted_ = value;
        *slot = value;
        return true;
      }
    }
    return Exhaust();
  }

  bool NextAtLeast(uint32_t target, uint32_t* slot) {
    if (exhausted_) return false;
    if (mode_ == Mode::kIntersection) {
      Seek(cursors_[0], target);
      return NextInAll(slot);
    }
    while (!heap_.empty() && heap_.top().first < target) {
      const uint32_t index = heap_.top().second;
      heap_.pop();
      Cursor& cursor = cursors_[index];
      Seek(cursor, target);
      if (cursor.at != cursor.end) heap_.push({*cursor.at, index});
    }
    return NextInAny(slot);
  }

  bool Exhaust() {
    exhausted_ = true;
    return false;
  }

  Mode mode_;
  bool exhausted_ = false;
  std::vector<Cursor> cursors_;
  using HeapItem = std::pair<uint32_t, uint32_t>;  // (current slot, cursor index)
  std::priority_queue<HeapItem, std::vector<HeapItem>, std::greater<HeapItem>> heap_;
  bool emitted_any_ = false;
  uint32_t last_emitted_ = 0;
  bool has_peeked_ = false;  // Contains' look-ahead
  uint32_t peeked_ = 0;
};

bool IsCodeAlphabet(std::string_view code) {
  return std::all_of(code.begin(), code.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); });
}

// One execution of Search over the segments, under the shared lock.
class QueryRun {
 public:
  QueryRun(const IndexData& data, std::string_view name_query, std::string_view code_query,
           size_t need, const SearchOptions& options)
      : data_(data),
        name_query_(name_query),
        code_query_(code_query),
        need_(need),
        resident_names_(options.match_resident_names) {
    exact_code_active_ = !code_query.empty() && code_query.size() <= SubjectIndex::kMaxCodeBytes &&
                         std::all_of(code_query.begin(), code_query.end(),
                                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    code_prefix_active_ = exact_code_active_ && code_query.size() >= SubjectIndex::kMinCodePrefix &&
                          IsCodeAlphabet(code_query);
    if (!name_query.empty() && name_query.size() <= SubjectIndex::kMaxNameBytes) {
      DecodeCodePoints(name_query, &query_chars_);
    }
  }

  void Run() {
    ExactCodeTier();
    CodePrefixTier();
    NameTier(/*prefix=*/true);
    NameTier(/*prefix=*/false);
  }

  const std::vector<uint32_t>& results() const { return results_; }
  int64_t matches() const { return matches_; }

 private:
  bool Done() const { return results_.size() >= need_ && matches_ > SubjectIndex::kMaxCounted; }
  size_t Remaining() const { return need_ - std::min(need_, results_.size()); }

  void ExactCodeTier() {
    if (!exact_code_active_) return;
    std::vector<uint32_t> found;
    for (const auto* by_code : {&data_.main_uscc_by_code, &data_.main_other_by_code,
                                &data_.delta_uscc_by_code, &data_.delta_other_by_code}) {
      auto low = std::lower_bound(
          by_code->begin(), by_code->end(), code_query_,
          [&](uint32_t slot, std::string_view code) { return data_.Code(slot) < code; });
      for (; low != by_code->end() && data_.Code(*low) == code_query_; ++low) {
        if (!data_.IsDead(*low)) found.push_back(*low);
      }
    }
    std::sort(found.begin(), found.end(), [&](uint32_t a, uint32_t b) {
      return data_.slots[a].subject_id < data_.slots[b].subject_id;
    });
    matches_ += static_cast<int64_t>(found.size());
    for (uint32_t slot : found) {
      if (results_.size() < need_) results_.push_back(slot);
    }
  }

  // USCCs starting with the query (other than the exact match), in code order: the main and
  // delta ranges merged.
  void CodePrefixTier() {
    if (!code_prefix_active_ || Done()) return;
    auto prefix_range = [&](const std::vector<uint32_t>& by_code) {
      auto low = std::lower_bound(
          by_code.begin(), by_code.end(), code_query_,
          [&](uint32_t slot, std::string_view code) { return data_.Code(slot) < code; });
      auto high = std::partition_point(low, by_code.end(), [&](uint32_t slot) {
        return data_.Code(slot).starts_with(code_query_);
      });
      return std::span<const uint32_t>(by_code.data() + (low - by_code.begin()),
                                       static_cast<size_t>(high - low));
    };
    const std::span<const uint32_t> main = prefix_range(data_.main_uscc_by_code);
    const std::span<const uint32_t> delta = prefix_range(data_.delta_uscc_by_code);
    size_t main_at = 0, delta_at = 0;
    while ((main_at < main.size() || delta_at < delta.size()) && !Done()) {
      uint32_t slot;
      if (delta_at == delta.size() ||
          (main_at < main.size() && data_.CodeLess(main[main_at], delta[delta_at]))) {
        slot = main[main_at++];
      } else {
        slot = delta[delta_at++];
      }
      if (data_.IsDead(slot) || data_.Code(slot) == code_query_) continue;
      if (!resident_names_ && data_.slots[slot].is_resident) continue;
      ++matches_;
      if (results_.size() < need_) results_.push_back(slot);
    }
  }

  // Whether a slot's code puts it in one of the code tiers (so it is not repeated below).
  bool InCodeTiers(uint32_t slot) const {
    if (!exact_code_active_) return false;
    const std::string_view code = data_.Code(slot);
    if (code == code_query_) return true;
    return code_prefix_active_ && data_.slots[slot].code_is_uscc &&
           (resident_names_ || !data_.slots[slot].is_resident) && code.starts_with(code_query_);
  }

  bool MatchesNameTier(uint32_t slot, bool prefix) const {
    if (data_.IsDead(slot) || InCodeTiers(slot)) return false;
    if (!resident_names_ && data_.slots[slot].is_resident) return false;
    const std::string_view name = data_.Name(slot);
    const bool starts = name.starts_with(name_query_);
    if (prefix) return starts;
    return !starts && name.find(name_query_, 1) != std::string_view::npos;
  }

  // The posting lists whose intersection (or union, for one-character queries) holds every
  // name of the tier. `lookup` gives a gram's list; `range` the lists of a key range.
  template <typename LookupFn, typename RangeFn>
  CandidateStream Candidates(bool prefix, LookupFn&& lookup, RangeFn&& range) const {
    std::vector<std::span<const uint32_t>> lists;
    if (query_chars_.size() == 1) {
      range(GramKey(prefix, query_chars_[0], 0), GramKey(prefix, query_chars_[0], kEndOfName),
            &lists);
      return CandidateStream(lists, CandidateStream::Mode::kUnion);
    }
    std::vector<uint64_t> keys;
    for (size_t i = 0; i + 1 < query_chars_.size(); ++i) {
      keys.push_back(GramKey(prefix && i == 0, query_chars_[i], query_chars_[i + 1]));
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (uint64_t key : keys) lists.push_back(lookup(key));
    return CandidateStream(lists, CandidateStream::Mode::kIntersection);
  }

  enum class Partition { kLegalPersons, kResidents };

  // The main segment's candidates within one partition: each list is cut at resident_begin.
  CandidateStream MainCandidates(bool prefix, Partition partition) const {
    auto part_of = [&](std::span<const uint32_t> list) {
      const size_t cut = static_cast<size_t>(
          std::lower_bound(list.begin(), list.end(), data_.resident_begin) - list.begin());
      return partition == Partition::kLegalPersons ? list.first(cut) : list.subspan(cut);
    };
    return Candidates(
        prefix, [&](uint64_t key) { return part_of(data_.MainPostings(key)); },
        [&](uint64_t low, uint64_t high, std::vector<std::span<const uint32_t>>* lists) {
          auto first = std::lower_bound(data_.gram_keys.begin(), data_.gram_keys.end(), low);
          auto last = std::upper_bound(first, data_.gram_keys.end(), high);
          for (auto it = first; it != last; ++it) {
            lists->push_back(
                part_of(data_.MainPostingsAt(static_cast<size_t>(it - data_.gram_keys.begin()))));
          }
        });
  }

  CandidateStream DeltaCandidates(bool prefix) const {
    return Candidates(
        prefix,
        [&](uint64_t key) {
          auto found = data_.delta_postings.find(key);
          return found == data_.delta_postings.end() ? std::span<const uint32_t>()
                                                     : std::span<const uint32_t>(found->second);
        },
        [&](uint64_t low, uint64_t high, std::vector<std::span<const uint32_t>>* lists) {
          auto first = data_.delta_postings.lower_bound(low);
          auto last = data_.delta_postings.upper_bound(high);
          for (auto it = first; it != last; ++it) lists->push_back(it->second);
        });
  }

  // Tier 3 (prefix) or 4 (substring). The main segment is visited in rank order and stops
  // early; the delta segment is verified in full and its best matches merged in.
  void NameTier(bool prefix) {
    if (query_chars_.empty() || Done()) return;
    const size_t remaining = Remaining();
    auto rank_less = [&](uint32_t a, uint32_t b) { return data_.RankLess(a, b); };

    std::vector<uint32_t> delta_matches;
    if (data_.delta_size() > 0) {
      CandidateStream delta = DeltaCandidates(prefix);
      for (uint32_t slot; delta.Next(&slot);) {
        if (MatchesNameTier(slot, prefix)) delta_matches.push_back(slot);
      }
      matches_ += static_cast<int64_t>(delta_matches.size());
      const size_t kept = std::min(remaining, delta_matches.size());
      std::partial_sort(delta_matches.begin(), delta_matches.begin() + kept, delta_matches.end(),
                        rank_less);
      delta_matches.resize(kept);
    }

    // For one or two characters the posting lists hold exactly the names that contain (or
    // start with) the query, so names need not be read: the substring tier only has to leave
    // out the prefix tier's names, found by galloping through their own lists.
    const bool exact_candidates = query_chars_.size() <= 2;
    struct Source {  // the matches of one partition, in rank order
      CandidateStream candidates;
      std::optional<CandidateStream> prefix_names;
      bool has_match = false;
      uint32_t match = 0;
    };
    auto make_source = [&](Partition partition) {
      Source source{MainCandidates(prefix, partition), std::nullopt};
      if (exact_candidates && !prefix) {
        source.prefix_names.emplace(MainCandidates(/*prefix=*/true, partition));
      }
      return source;
    };
    auto advance = [&](Source& source) {
      source.has_match = false;
      for (uint32_t slot; source.candidates.Next(&slot);) {
        if (exact_candidates) {
          if (data_.IsDead(slot) || InCodeTiers(slot)) continue;
          if (source.prefix_names && source.prefix_names->Contains(slot)) continue;
        } else if (!MatchesNameTier(slot, prefix)) {
          continue;
        }
        source.has_match = true;
        source.match = slot;
        return;
      }
    };
    std::vector<Source> sources;
    sources.push_back(make_source(Partition::kLegalPersons));
    if (resident_names_) sources.push_back(make_source(Partition::kResidents));
    for (Source& source : sources) advance(source);

    std::vector<uint32_t> main_matches;
    for (;;) {
      Source* best = nullptr;
      for (Source& source : sources) {
        if (source.has_match && (best == nullptr || rank_less(source.match, best->match))) {
          best = &source;
        }
      }
      if (best == nullptr) break;
      ++matches_;
      if (main_matches.size() < remaining) main_matches.push_back(best->match);
      if (main_matches.size() >= remaining && matches_ > SubjectIndex::kMaxCounted) break;
      advance(*best);
    }

    std::merge(main_matches.begin(), main_matches.end(), delta_matches.begin(), delta_matches.end(),
               std::back_inserter(results_), rank_less);
    if (results_.size() > need_) results_.resize(need_);
  }

  const IndexData& data_;
  const std::string_view name_query_;
  const std::string_view code_query_;
  const size_t need_;          // results wanted: offset + limit, within kMaxCounted
  const bool resident_names_;  // residents may match by name and code prefix
  bool exact_code_active_ = false;
  bool code_prefix_active_ = false;
  std::vector<char32_t> query_chars_;  // empty: no name tiers
  std::vector<uint32_t> results_;      // slots, best first
  int64_t matches_ = 0;                // distinct matches counted so far
};

}  // namespace internal

using internal::IndexData;
using internal::kNoSlot;

struct SubjectIndex::Data : IndexData {};

SubjectIndex::SubjectIndex() : data_(std::make_unique<Data>()) {}
SubjectIndex::~SubjectIndex() = default;

std::unique_ptr<SubjectIndex::Data> SubjectIndex::Compact(const Data& from) {
  std::vector<uint32_t> order;
  order.reserve(from.live());
  size_t text_bytes = 0;
  for (uint32_t slot = 0; slot < from.slots.size(); ++slot) {
    if (from.IsDead(slot)) continue;
    order.push_back(slot);
    text_bytes += from.slots[slot].code_bytes + from.slots[slot].name_bytes;
  }
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (from.slots[a].is_resident != from.slots[b].is_resident) return !from.slots[a].is_resident;
    return from.RankLess(a, b);
  });

  // Room for the delta segment that will grow until the next compaction.
  const size_t headroom = DeltaLimit(order.size());
  auto to = std::make_unique<Data>();
  to->arena.reserve(text_bytes + text_bytes / 16 + 1024);
  to->slots.reserve(order.size() + headroom);
  to->dead_bits.reserve((order.size() + headroom) / 64 + 1);
  for (uint32_t old_slot : order) {
    internal::Slot slot = from.slots[old_slot];
    slot.text_offset = to->arena.size();
    to->arena.append(from.arena, from.slots[old_slot].text_offset,
                     slot.code_bytes + slot.name_bytes);
    to->slots.push_back(slot);
  }
  to->dead_bits.assign((to->slots.size() + 63) / 64, 0);
  to->main_end = static_cast<uint32_t>(to->slots.size());
  to->resident_begin = static_cast<uint32_t>(
      std::partition_point(to->slots.begin(), to->slots.end(),
                           [](const internal::Slot& slot) { return !slot.is_resident; }) -
      to->slots.begin());
  internal::BuildPostings(*to);

  for (uint32_t slot = 0; slot < to->main_end; ++slot) {
    if (to->slots[slot].code_bytes == 0) continue;
    (to->slots[slot].code_is_uscc ? to->main_uscc_by_code : to->main_other_by_code).push_back(slot);
  }
  auto code_less = [&](uint32_t a, uint32_t b) { return to->CodeLess(a, b); };
  std::sort(to->main_uscc_by_code.begin(), to->main_uscc_by_code.end(), code_less);
  std::sort(to->main_other_by_code.begin(), to->main_other_by_code.end(), code_less);
  to->main_uscc_by_code.shrink_to_fit();
  to->main_other_by_code.shrink_to_fit();

  to->slot_of_id.Reserve(order.size() + headroom, to->slots);
  for (uint32_t slot = 0; slot < to->main_end; ++slot) {
    to->slot_of_id.Set(to->slots[slot].subject_id, slot, to->slots);
  }
  return to;
}

namespace {

// What the index needs to know about a code besides its text.
struct CodeFacts {
  bool is_uscc = false;      // matched by code prefix
  bool is_resident = false;  // a natural person (by kind or by a resident ID number)
};

CodeFacts FactsOf(std::string_view normalized_code, ids::CodeKind code_kind, bool is_person_kind) {
  if (code_kind == ids::CodeKind::kUnknown && !normalized_code.empty()) {
    code_kind = ids::CheckCode(normalized_code).kind;
  }
  return {code_kind == ids::CodeKind::kUscc,
          is_person_kind || code_kind == ids::CodeKind::kResidentId};
}

}  // namespace

Status SubjectIndex::Load(store::Store& store, int64_t chunk_size) {
  if (chunk_size <= 0) {
    return Fail(Error::InvalidArgument("chunk_size", "the load chunk size must be positive"));
  }
  std::lock_guard writer(writer_mutex_);
  auto staging = std::make_unique<Data>();
  if (auto stats = store.Stats(); stats) {
    staging->slots.reserve(static_cast<size_t>(stats->subjects));
  }
  int64_t after_id = 0;
  for (;;) {
    int64_t seen = 0;
    CREDENCE_RETURN_IF_ERROR(
        store.ScanSubjects(after_id, chunk_size, [&](const store::Subject& subject) {
          ++seen;
          after_id = subject.id;
          // Codes in the store are normalised already.
          const std::string_view code =
              subject.code.size() <= kMaxCodeBytes ? std::string_view(subject.code) : "";
          const CodeFacts facts =
              FactsOf(code, subject.code_kind, subject.kind == ids::SubjectKind::kPerson);
          staging->AppendSlot(subject.id, code, internal::TruncateName(subject.name_norm),
                              facts.is_uscc, facts.is_resident);
        }));
    if (seen < chunk_size) break;
  }
  std::unique_ptr<Data> built = Compact(*staging);
  staging.reset();
  LogInfo("search.index_loaded", {{"subjects", static_cast<uint64_t>(built->live())},
                                  {"bytes", static_cast<uint64_t>(built->Bytes())}});
  std::unique_ptr<Data> previous;
  {
    std::unique_lock lock(mutex_);
    previous = std::exchange(data_, std::move(built));
  }
  return OkStatus();  // previous is freed outside the lock
}

void SubjectIndex::Upsert(int64_t subject_id, std::string_view code, std::string_view name_norm,
                          ids::CodeKind code_kind) {
  std::string normalized_code = ids::NormalizeCode(code);
  if (normalized_code.size() > kMaxCodeBytes) normalized_code.clear();
  const CodeFacts facts = FactsOf(normalized_code, code_kind, /*is_person_kind=*/false);
  Apply(subject_id, normalized_code, name_norm, facts.is_uscc, facts.is_resident);
}

void SubjectIndex::Upsert(const store::Subject& subject) {
  std::string normalized_code = ids::NormalizeCode(subject.code);
  if (normalized_code.size() > kMaxCodeBytes) normalized_code.clear();
  const CodeFacts facts =
      FactsOf(normalized_code, subject.code_kind, subject.kind == ids::SubjectKind::kPerson);
  Apply(subject.id, normalized_code, subject.name_norm, facts.is_uscc, facts.is_resident);
}

void SubjectIndex::Apply(int64_t subject_id, std::string_view normalized_code,
                         std::string_view name_norm, bool code_is_uscc, bool is_resident) {
  const std::string_view name = internal::TruncateName(name_norm);
  std::lock_guard writer(writer_mutex_);
  {
    std::unique_lock lock(mutex_);
    Data& data = *data_;
    const uint32_t old_slot = data.slot_of_id.Find(subject_id, data.slots);
    if (old_slot != kNoSlot) {
      const internal::Slot& old = data.slots[old_slot];
      if (data.Code(old_slot) == normalized_code && data.Name(old_slot) == name &&
          old.code_is_uscc == code_is_uscc && old.is_resident == is_resident) {
        return;  // nothing the index sees has changed
      }
      data.MarkDead(old_slot);
    }
    data.IndexDeltaSlot(
        data.AppendSlot(subject_id, normalized_code, name, code_is_uscc, is_resident));
    if (data.delta_size() <= DeltaLimit(data.main_end)) return;
  }
  // Writers are held off by writer_mutex_, so the data cannot change while the compacted copy
  // is built under the shared lock; searches go on meanwhile.
  std::unique_ptr<Data> compacted;
  {
    std::shared_lock lock(mutex_);
    compacted = Compact(*data_);
  }
  std::unique_ptr<Data> previous;
  {
    std::unique_lock lock(mutex_);
    previous = std::exchange(data_, std::move(compacted));
  }
}

SearchResult SubjectIndex::Search(std::string_view query, int64_t offset, int64_t limit,
                                  const SearchOptions& options) const {
  SearchResult result;
  offset = std::max<int64_t>(offset, 0);
  limit = std::clamp<int64_t>(limit, 0, kMaxLimit);
  const std::string name_query = text::NormalizeName(query);
  const std::string code_query = ids::NormalizeCode(query);
  // Pages end at kMaxCounted; beyond it only the count is wanted.
  const size_t need =
      offset >= kMaxCounted ? 0 : static_cast<size_t>(std::min(offset + limit, kMaxCounted));

  std::shared_lock lock(mutex_);
  const Data& data = *data_;
  internal::QueryRun run(data, name_query, code_query, need, options);
  run.Run();
  const std::vector<uint32_t>& slots = run.results();
  for (size_t i = static_cast<size_t>(std::min<int64_t>(offset, kMaxCounted)); i < slots.size();
       ++i) {
    result.subject_ids.push_back(data.slots[slots[i]].subject_id);
  }
  result.total = std::min(run.matches(), kMaxCounted);
  result.total_capped = run.matches() > kMaxCounted;
  return result;
}

size_t SubjectIndex::size() const {
  std::shared_lock lock(mutex_);
  return data_->live();
}

size_t SubjectIndex::MemoryBytes() const {
  std::shared_lock lock(mutex_);
  return sizeof(*this) + data_->Bytes();
}

}  // namespace credence::search
