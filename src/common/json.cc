#include "common/json.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <simdjson.h>
#pragma GCC diagnostic pop

namespace credence {
namespace {

JsonValue FromElement(simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::OBJECT: {
      JsonValue::Object object;
      simdjson::dom::object source = element.get_object().value_unsafe();
      object.reserve(source.size());
      for (auto field : source) {
        object.emplace_back(std::string(field.key), FromElement(field.value));
      }
      return JsonValue(std::move(object));
    }
    case simdjson::dom::element_type::ARRAY: {
      JsonValue::Array array;
      // Copy the array handle out of the temporary result before iterating it.
      simdjson::dom::array source = element.get_array().value_unsafe();
      array.reserve(source.size());
      for (simdjson::dom::element item : source) array.push_back(FromElement(item));
      return JsonValue(std::move(array));
    }
    case simdjson::dom::element_type::STRING:
      return JsonValue(std::string(element.get_string().value_unsafe()));
    case simdjson::dom::element_type::INT64: return JsonValue(element.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64: {
      uint64_t value = element.get_uint64().value_unsafe();
      return JsonValue(static_cast<double>(value));
    }
    case simdjson::dom::element_type::DOUBLE: return JsonValue(element.get_double().value_unsafe());
    case simdjson::dom::element_type::BOOL: return JsonValue(element.get_bool().value_unsafe());
    case simdjson::dom::element_type::NULL_VALUE: return JsonValue();
  }
  return JsonValue();
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteValue(Writer& writer, const JsonValue& value, bool sort_keys) {
  switch (value.type()) {
    case JsonValue::Type::kNull: writer.Null(); break;
    case JsonValue::Type::kBool: writer.Bool(value.as_bool()); break;
    case JsonValue::Type::kInt: writer.Int64(value.as_int()); break;
    case JsonValue::Type::kDouble: {
      double d = value.as_double();
      if (std::isfinite(d)) {
        writer.Double(d);
      } else {
        writer.Null();
      }
      break;
    }
    case JsonValue::Type::kString:
      writer.String(value.as_string().data(),
                    static_cast<rapidjson::SizeType>(value.as_string().size()));
      break;
    case JsonValue::Type::kArray:
      writer.StartArray();
      for (const JsonValue& item : value.as_array()) WriteValue(writer, item, sort_keys);
      writer.EndArray();
      break;
    case JsonValue::Type::kObject: {
      writer.StartObject();
      const JsonValue::Object& object = value.as_object();
      if (sort_keys) {
        std::vector<const std::pair<std::string, JsonValue>*> members;
        members.reserve(object.size());
        for (const auto& member : object) members.push_back(&member);
        std::sort(members.begin(), members.end(),
                  [](auto* a, auto* b) { return a->first < b->first; });
        for (const auto* member : members) {
          writer.Key(member->first.data(), static_cast<rapidjson::SizeType>(member->first.size()));
          WriteValue(writer, member->second, sort_keys);
        }
      } else {
        for (const auto& [key, item] : object) {
          writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
          WriteValue(writer, item, sort_keys);
        }
      }
      writer.EndObject();
      break;
    }
  }
}

std::string Serialize(const JsonValue& value, bool sort_keys) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  WriteValue(writer, value, sort_keys);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

int64_t JsonValue::as_int() const {
  if (type() == Type::kDouble) return static_cast<int64_t>(std::get<double>(value_));
  return std::get<int64_t>(value_);
}

double JsonValue::as_double() const {
  if (type() == Type::kInt) return static_cast<double>(std::get<int64_t>(value_));
  return std::get<double>(value_);
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& [name, value] : as_object()) {
    if (name == key) return &value;
  }
  return nullptr;
}

const JsonValue* JsonValue::FindPath(std::string_view dotted_path) const {
  const JsonValue* current = this;
  while (current != nullptr) {
    size_t dot = dotted_path.find('.');
    current = current->Find(dotted_path.substr(0, dot));
    if (dot == std::string_view::npos) return current;
    dotted_path.remove_prefix(dot + 1);
  }
  return nullptr;
}

std::optional<std::string_view> JsonValue::GetString(std::string_view key) const {
  const JsonValue* value = Find(key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string_view(value->as_string());
}

void JsonValue::Set(std::string key, JsonValue value) {
  Object& object = as_object();
  for (auto& [name, existing] : object) {
    if (name == key) {
      existing = std::move(value);
      return;
    }
  }
  object.emplace_back(std::move(key), std::move(value));
}

Result<JsonValue> ParseJson(std::string_view text) {
  thread_local simdjson::dom::parser parser;
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: copy into a reused, padded buffer
  // rather than allocating a padded string per document.
  thread_local std::string buffer;
  if (buffer.size() < text.size() + simdjson::SIMDJSON_PADDING) {
    buffer.resize(text.size() + simdjson::SIMDJSON_PADDING);
  }
  std::memcpy(buffer.data(), text.data(), text.size());
  simdjson::dom::element root;
  auto error = parser.parse(buffer.data(), text.size(), false).get(root);
  if (error) {
    return Fail(Error::InvalidArgument(
        "json", fmt::format("malformed JSON: {}", simdjson::error_message(error))));
  }
  return FromElement(root);
}

std::string ToJson(const JsonValue& value) { return Serialize(value, false); }
std::string ToCanonicalJson(const JsonValue& value) { return Serialize(value, true); }

struct JsonWriter::Impl {
  // Most responses fit in 4 KiB: one allocation instead of a growth sequence.
  rapidjson::StringBuffer buffer{nullptr, 4096};
  Writer writer{buffer};
};

JsonWriter::JsonWriter() : impl_(std::make_unique<Impl>()) {}
JsonWriter::~JsonWriter() = default;

JsonWriter& JsonWriter::StartObject() {
  impl_->writer.StartObject();
  return *this;
}
JsonWriter& JsonWriter::EndObject() {
  impl_->writer.EndObject();
  return *this;
}
JsonWriter& JsonWriter::StartArray() {
  impl_->writer.StartArray();
  return *this;
}
JsonWriter& JsonWriter::EndArray() {
  impl_->writer.EndArray();
  return *this;
}
JsonWriter& JsonWriter::Key(std::string_view key) {
  impl_->writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  return *this;
}
JsonWriter& JsonWriter::String(std::string_view value) {
  impl_->writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  return *this;
}
JsonWriter& JsonWriter::Int(int64_t value) {
  impl_->writer.Int64(value);
  return *this;
}
JsonWriter& JsonWriter::Double(double value) {
  if (std::isfinite(value)) {
    impl_->writer.Double(value);
  } else {
    impl_->writer.Null();
  }
  return *this;
}
JsonWriter& JsonWriter::Bool(bool value) {
  impl_->writer.Bool(value);
  return *this;
}
JsonWriter& JsonWriter::Null() {
  impl_->writer.Null();
  return *this;
}
JsonWriter& JsonWriter::Raw(std::string_view json) {
  impl_->writer.RawValue(json.data(), json.size(), rapidjson::kObjectType);
  return *this;
}
JsonWriter& JsonWriter::Value(const JsonValue& value) {
  WriteValue(impl_->writer, value, false);
  return *this;
}
JsonWriter& JsonWriter::Field(std::string_view key, const std::optional<std::string>& value) {
  Key(key);
  return value ? String(*value) : Null();
}

std::string JsonWriter::Take() {
  std::string out(impl_->buffer.GetString(), impl_->buffer.GetSize());
  impl_->buffer.Clear();
  impl_->writer.Reset(impl_->buffer);
  return out;
}

std::string_view JsonWriter::View() const {
  return {impl_->buffer.GetString(), impl_->buffer.GetSize()};
}

}  // namespace credence
