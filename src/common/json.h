// JSON in and out. Parsing goes through simdjson and building through RapidJSON, both hidden in
// json.cc: no other file includes their headers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/result.h"

namespace credence {

// An owned JSON value. Objects keep their members in input order.
class JsonValue {
 public:
  enum class Type : uint8_t { kNull, kBool, kInt, kDouble, kString, kArray, kObject };
  using Array = std::vector<JsonValue>;
  using Object = std::vector<std::pair<std::string, JsonValue>>;

  JsonValue() = default;
  JsonValue(std::nullptr_t) {}
  JsonValue(bool value) : value_(value) {}
  JsonValue(int value) : value_(static_cast<int64_t>(value)) {}
  JsonValue(int64_t value) : value_(value) {}
  JsonValue(double value) : value_(value) {}
  JsonValue(std::string value) : value_(std::move(value)) {}
  JsonValue(std::string_view value) : value_(std::string(value)) {}
  JsonValue(const char* value) : value_(std::string(value)) {}
  JsonValue(Array value) : value_(std::move(value)) {}
  JsonValue(Object value) : value_(std::move(value)) {}

  Type type() const { return static_cast<Type>(value_.index()); }
  bool is_null() const { return type() == Type::kNull; }
  bool is_bool() const { return type() == Type::kBool; }
  bool is_number() const { return type() == Type::kInt || type() == Type::kDouble; }
  bool is_string() const { return type() == Type::kString; }
  bool is_array() const { return type() == Type::kArray; }
  bool is_object() const { return type() == Type::kObject; }

  bool as_bool() const { return std::get<bool>(value_); }
  int64_t as_int() const;    // doubles are truncated
  double as_double() const;  // ints are widened
  const std::string& as_string() const { return std::get<std::string>(value_); }
  const Array& as_array() const { return std::get<Array>(value_); }
  Array& as_array() { return std::get<Array>(value_); }
  const Object& as_object() const { return std::get<Object>(value_); }
  Object& as_object() { return std::get<Object>(value_); }

  // Object member by key; nullptr when this is not an object or the key is absent.
  const JsonValue* Find(std::string_view key) const;
  // Dotted path into nested objects: "subject.code".
  const JsonValue* FindPath(std::string_view dotted_path) const;
  // Member as a string, when present and a string.
  std::optional<std::string_view> GetString(std::string_view key) const;
  // Sets (replacing) an object member; this must be an object.
  void Set(std::string key, JsonValue value);

  friend bool operator==(const JsonValue&, const JsonValue&) = default;

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, Array, Object> value_;
};

// Parses one JSON document. Errors have reason "json" and say at which byte and why.
Result<JsonValue> ParseJson(std::string_view text);

// Compact JSON in member order.
std::string ToJson(const JsonValue& value);
// Compact JSON with object keys sorted by byte value: equal values give equal bytes, for hashing.
std::string ToCanonicalJson(const JsonValue& value);

// Streams compact JSON into a string. Not thread-safe; one writer per response.
class JsonWriter {
 public:
  JsonWriter();
  ~JsonWriter();
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  JsonWriter& StartObject();
  JsonWriter& EndObject();
  JsonWriter& StartArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Writes an already serialised JSON value verbatim (e.g. a stored payload).
  JsonWriter& Raw(std::string_view json);
  JsonWriter& Value(const JsonValue& value);
  // Convenience: Key(k) then the value; an empty optional writes null.
  JsonWriter& Field(std::string_view key, std::string_view value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, const char* value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, const std::string& value) {
    return Key(key).String(value);
  }
  JsonWriter& Field(std::string_view key, int64_t value) { return Key(key).Int(value); }
  JsonWriter& Field(std::string_view key, int value) { return Key(key).Int(value); }
  JsonWriter& Field(std::string_view key, bool value) { return Key(key).Bool(value); }
  JsonWriter& Field(std::string_view key, double value) { return Key(key).Double(value); }
  JsonWriter& Field(std::string_view key, const std::optional<std::string>& value);

  // The JSON written so far; the writer must be balanced.
  std::string Take();
  std::string_view View() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace credence
