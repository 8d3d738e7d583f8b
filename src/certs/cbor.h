// A small CBOR (RFC 8949) reader and writer, enough for COSE_Sign1 and CWT claims.
//
// The reader takes untrusted bytes: every length is checked against the bytes that remain,
// nesting is limited, and indefinite-length strings, arrays and maps are accepted (the EU
// certificates use them). Integers must fit in int64 (CWT claims and COSE labels do). The
// writer emits definite lengths in the shortest form, which is what signing needs: the same
// claims always give the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace credence::certs {

class CborValue {
 public:
  enum class Type : uint8_t {
    kInt,
    kBytes,
    kText,
    kArray,
    kMap,
    kTag,
    kBool,
    kNull,
    kUndefined,
    kFloat
  };
  using Map = std::vector<std::pair<CborValue, CborValue>>;

  CborValue() = default;
  static CborValue Int(int64_t value);
  static CborValue Bytes(std::string value);
  static CborValue Text(std::string value);
  static CborValue Array(std::vector<CborValue> items);
  static CborValue MapOf(Map entries);
  static CborValue Tagged(uint64_t tag, CborValue content);
  static CborValue Bool(bool value);
  static CborValue Null();
  static CborValue Undefined();
  static CborValue Float(double value);

  Type type() const { return type_; }
  bool is_int() const { return type_ == Type::kInt; }
  bool is_bytes() const { return type_ == Type::kBytes; }
  bool is_text() const { return type_ == Type::kText; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_map() const { return type_ == Type::kMap; }
  bool is_tag() const { return type_ == Type::kTag; }

  int64_t as_int() const { return integer_; }
  bool as_bool() const { return integer_ != 0; }
  double as_float() const { return number_; }
  // Bytes or text content.
  const std::string& as_string() const { return string_; }
  const std::vector<CborValue>& items() const { return items_; }  // array items
  const Map& entries() const { return entries_; }                 // map entries in input order
  uint64_t tag() const { return static_cast<uint64_t>(integer_); }
  const CborValue& tagged() const { return items_.front(); }  // content of a tag

  // Map lookup by integer or text key; nullptr when absent or this is not a map.
  const CborValue* Find(int64_t key) const;
  const CborValue* Find(std::string_view key) const;

  friend bool operator==(const CborValue&, const CborValue&) = default;

 private:
  Type type_ = Type::kNull;
  int64_t integer_ = 0;
  double number_ = 0;
  std::string string_;
  std::vector<CborValue> items_;
  Map entries_;
};

// Decodes exactly one data item that spans all of data. Errors have reason "cbor".
Result<CborValue> DecodeCbor(std::string_view data);

// Encodes in the deterministic shortest form with definite lengths; map entries keep their order.
std::string EncodeCbor(const CborValue& value);
// Appends the head of a data item (major type 0..7, argument) — for writing without a tree.
void AppendCborHead(std::string& out, uint8_t major_type, uint64_t argument);
void AppendCborBytes(std::string& out, std::string_view bytes);
void AppendCborText(std::string& out, std::string_view text);
void AppendCborInt(std::string& out, int64_t value);

}  // namespace credence::certs
