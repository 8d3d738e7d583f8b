// Reading a few fields of a stored record payload (canonical JSON) without building a tree:
// membership derivation reads two or three fields of each listing record of millions of
// subjects, so it scans the text in place and copies only strings that contain escapes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/time.h"

namespace credence::lists::internal {

// A member value located in JSON text.
struct RawValue {
  enum class Kind : uint8_t { kString, kNumber, kTrue, kFalse, kNull, kObject, kArray };
  Kind kind = Kind::kNull;
  // For strings the characters between the quotes, escapes as written; otherwise the whole
  // value's text (an object or array includes its brackets).
  std::string_view text;
  bool has_escapes = false;  // strings only
};

// The fields of one payload, for reading several of them. Until the index is built, a field
// whose quoted name does not occur in the text at all is absent at the cost of one memmem; the
// first lookup of a name that does occur locates every top-level member (and those of "extra")
// in one pass, and every later lookup searches that index. Borrows the payload text. Not
// thread-safe (the index is built on first use).
class PayloadFields {
 public:
  explicit PayloadFields(std::string_view payload);

  // As FindField below.
  std::optional<RawValue> Find(std::string_view path) const;
  // As FieldText, FieldDate and FieldInt below.
  std::optional<std::string_view> Text(std::string_view path, std::string& scratch) const;
  std::optional<Date> DateValue(std::string_view path) const;
  std::optional<int64_t> Int(std::string_view path) const;

 private:
  // Trivially constructible, so that the arrays below cost nothing until filled.
  struct Entry {
    const char* key;
    const char* text;
    uint32_t key_size;
    uint32_t text_size;
    RawValue::Kind kind;
    bool has_escapes;
  };
  // Enough for every feed layout; a larger object is still read, by scanning it again.
  static constexpr size_t kCapacity = 40;
  struct Members {
    std::array<Entry, kCapacity> entries;  // the first `count` are set
    uint8_t count = 0;
    bool complete = false;  // every member fitted (and the object was well-formed)
    std::string_view text;  // the object's text, for lookups when not complete
    std::optional<RawValue> Find(std::string_view key) const;
  };
  std::optional<RawValue> FindTopLevel(std::string_view path) const;
  // Whether "key" (quoted) occurs anywhere in the payload.
  bool Mentions(std::string_view key) const;
  void BuildIndex() const;

  std::string_view payload_;
  mutable bool indexed_ = false;
  mutable Members top_;
  mutable Members extra_;
};

// The member `key` of the JSON object `object_json` (its top level only). nullopt when absent,
// when the text is not an object, or when it is malformed before the member is found.
std::optional<RawValue> FindMember(std::string_view object_json, std::string_view key);

// A field of a record payload: a dotted path followed from the top ("subject.kind"); a path
// absent there is looked up inside "extra" ("removal" → "extra.removal").
std::optional<RawValue> FindField(std::string_view payload, std::string_view path);

// The field as text: a string (unescaped) or a number as written, trimmed of ASCII spaces;
// nullopt for other kinds or absent fields. `scratch` holds the text when unescaping was needed.
std::optional<std::string_view> FieldText(std::string_view payload, std::string_view path,
                                          std::string& scratch);
// The field as a date "YYYY-MM-DD"; nullopt when absent or not a real date.
std::optional<Date> FieldDate(std::string_view payload, std::string_view path);
// The field as an integer: a JSON integer or a string of decimal digits (optional sign).
std::optional<int64_t> FieldInt(std::string_view payload, std::string_view path);

// Decodes the body of a JSON string (between the quotes); false on a malformed escape.
bool Unescape(std::string_view body, std::string& out);

}  // namespace credence::lists::internal
