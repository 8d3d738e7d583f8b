// Reading TOML policy files: where a problem is, the collected problems, and a reader for one
// table that reports wrong types and unknown keys. Internal to the policy module; toml++ stays
// behind this header and loader.cc.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <toml++/toml.h>

#include "common/json.h"
#include "common/result.h"

namespace credence::policy::internal {

// Where a problem is: the file and the 1-based line (0: no line, e.g. something missing).
struct Location {
  std::string file;
  int64_t line = 0;
};

inline int64_t LineOf(const toml::node& node) {
  return static_cast<int64_t>(node.source().begin.line);
}

inline std::string_view TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

inline bool IsIdentifier(std::string_view key) {
  if (key.empty() || key.front() < 'a' || key.front() > 'z') return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

inline std::string Quoted(std::string_view text) { return fmt::format("\"{}\"", text); }

inline std::string JoinQuoted(std::span<const std::string_view> items) {
  std::string out;
  for (std::string_view item : items) {
    if (!out.empty()) out += ", ";
    out += Quoted(item);
  }
  return out;
}

// Collects problems, each worded "file:line: key: what is wrong".
class Problems {
 public:
  void Add(std::string_view reason, const Location& where, std::string_view key,
           std::string_view what) {
    if (where.line > 0) {
      AddMessage(reason, where, fmt::format("{}:{}: {}: {}", where.file, where.line, key, what));
    } else {
      AddMessage(reason, where, fmt::format("{}: {}: {}", where.file, key, what));
    }
  }
  // A problem worded by the caller (e.g. a syntax error, which has no key).
  void AddMessage(std::string_view reason, const Location& where, std::string message) {
    entries_.push_back({where, Error::InvalidArgument(std::string(reason), std::move(message))});
  }
  // A problem with no better place than the policy as a whole.
  void AddGlobal(std::string_view reason, std::string_view key, std::string_view what) {
    Add(reason, Location{"policy", 0}, key, what);
  }

  bool empty() const { return entries_.empty(); }

  // File by file, line by line; problems without a file last.
  Error ToError() && {
    std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
      bool a_global = a.where.line == 0 && a.where.file == "policy";
      bool b_global = b.where.line == 0 && b.where.file == "policy";
      if (a_global != b_global) return b_global;
      if (a.where.file != b.where.file) return a.where.file < b.where.file;
      return a.where.line < b.where.line;
    });
    Error error = Error::InvalidArgument(
        "invalid_policy", fmt::format("{} problem{} in the policy files", entries_.size(),
                                      entries_.size() == 1 ? "" : "s"));
    for (Entry& entry : entries_) error.AddDetail(std::move(entry.error));
    return error;
  }

 private:
  struct Entry {
    Location where;
    Error error;
  };
  std::vector<Entry> entries_;
};

// One key of a table being read, with where it was written.
struct Field {
  std::string key;
  const toml::node* node = nullptr;
  Location where;  // the line of the key
};

// All keys of a table in source order, each with its location.
inline std::vector<Field> FieldsOf(const toml::table& table, const std::string& file) {
  std::vector<Field> fields;
  for (auto&& [key, node] : table) {
    int64_t line = static_cast<int64_t>(key.source().begin.line);
    if (line == 0) line = LineOf(node);
    fields.push_back({std::string(key.str()), &node, Location{file, line}});
  }
  std::stable_sort(fields.begin(), fields.end(),
                   [](const Field& a, const Field& b) { return a.where.line < b.where.line; });
  return fields;
}

// Reads the keys of one table (or of one table merged from several files), checking types,
// reporting missing required keys and, at the end, every key nobody asked for.
class TableReader {
 public:
  enum class Need { kOptional, kRequired };

  TableReader(std::vector<Field> fields, Location where, std::string path, Problems& problems)
      : fields_(std::move(fields)),
        used_(fields_.size(), false),
        where_(std::move(where)),
        path_(std::move(path)),
        problems_(problems) {}

  const std::string& path() const { return path_; }
  void set_path(std::string path) { path_ = std::move(path); }
  const Location& where() const { return where_; }
  std::string KeyPath(std::string_view key) const { return fmt::format("{}.{}", path_, key); }

  // The field, marked as read; nullptr when absent (reported when required).
  const Field* Find(std::string_view key, Need need) {
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (fields_[i].key == key) {
        used_[i] = true;
        return &fields_[i];
      }
    }
    if (need == Need::kRequired) problems_.Add("missing", where_, KeyPath(key), "is required");
    return nullptr;
  }
  // Where a key is, or the table when it is absent.
  Location LocationOf(std::string_view key) const {
    for (const Field& field : fields_) {
      if (field.key == key) return field.where;
    }
    return where_;
  }

  void Report(std::string_view reason, std::string_view key, std::string_view what) {
    problems_.Add(reason, LocationOf(key), KeyPath(key), what);
  }

  std::optional<std::string> String(std::string_view key, Need need) {
    const Field* field = Find(key, need);
    if (field == nullptr) return std::nullopt;
    if (!field->node->is_string()) {
      WrongType(*field, "a string");
      return std::nullopt;
    }
    std::string value = field->node->as_string()->get();
    if (need == Need::kRequired && value.empty()) {
      problems_.Add("missing", field->where, KeyPath(key), "must not be empty");
      return std::nullopt;
    }
    return value;
  }

  std::optional<bool> Bool(std::string_view key) {
    const Field* field = Find(key, Need::kOptional);
    if (field == nullptr) return std::nullopt;
    if (!field->node->is_boolean()) {
      WrongType(*field, "true or false");
      return std::nullopt;
    }
    return field->node->as_boolean()->get();
  }

  std::optional<int64_t> Int(std::string_view key, int64_t min, int64_t max) {
    const Field* field = Find(key, Need::kOptional);
    if (field == nullptr) return std::nullopt;
    if (!field->node->is_integer()) {
      WrongType(*field, "an integer");
      return std::nullopt;
    }
    int64_t value = field->node->as_integer()->get();
    if (value < min || value > max) {
      problems_.Add("invalid", field->where, KeyPath(key),
                    fmt::format("{} is out of range [{}, {}]", value, min, max));
      return std::nullopt;
    }
    return value;
  }

  std::optional<std::vector<std::string>> StringArray(std::string_view key, Need need) {
    const Field* field = Find(key, need);
    if (field == nullptr) return std::nullopt;
    const toml::array* array = field->node->as_array();
    if (array == nullptr) {
      WrongType(*field, "an array of strings");
      return std::nullopt;
    }
    std::vector<std::string> values;
    bool ok = true;
    for (size_t i = 0; i < array->size(); ++i) {
      const toml::node& item = *array->get(i);
      if (!item.is_string()) {
        problems_.Add("type", Location{field->where.file, LineOf(item)},
                      fmt::format("{}[{}]", KeyPath(key), i),
                      fmt::format("must be a string, not {}", TypeName(item)));
        ok = false;
        continue;
      }
      values.push_back(item.as_string()->get());
    }
    if (!ok) return std::nullopt;
    if (need == Need::kRequired && values.empty()) {
      problems_.Add("missing", field->where, KeyPath(key), "must not be empty");
      return std::nullopt;
    }
    return values;
  }

  // A bilingual name: { zh = "...", en = "..." }, both required.
  std::optional<Text> Name(std::string_view key) {
    const Field* field = Find(key, Need::kRequired);
    if (field == nullptr) return std::nullopt;
    const toml::table* table = field->node->as_table();
    if (table == nullptr) {
      WrongType(*field, "a table { zh = \"…\", en = \"…\" }");
      return std::nullopt;
    }
    TableReader name(FieldsOf(*table, field->where.file), field->where, KeyPath(key), problems_);
    auto zh = name.String("zh", Need::kRequired);
    auto en = name.String("en", Need::kRequired);
    name.Finish();
    if (!zh || !en) return std::nullopt;
    return Text{std::move(*zh), std::move(*en)};
  }

  // Reports every key that was not read: a typo must not silently drop a setting.
  void Finish() {
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (!used_[i]) {
        problems_.Add("unknown_key", fields_[i].where, KeyPath(fields_[i].key), "unknown key");
      }
    }
  }

 private:
  void WrongType(const Field& field, std::string_view expected) {
    problems_.Add("type", field.where, KeyPath(field.key),
                  fmt::format("must be {}, not {}", expected, TypeName(*field.node)));
  }

  std::vector<Field> fields_;
  std::vector<bool> used_;
  Location where_;
  std::string path_;
  Problems& problems_;
};

// One element of an array of tables ([[record_kind]]), with its file.
struct Element {
  const toml::table* table = nullptr;
  Location where;
  size_t index = 0;  // position among all elements of this array, across files
};

// A table ([catalog]) merged across files.
struct MergedTable {
  std::vector<Field> fields;
  std::optional<Location> first;  // where it first appears
};

// Reads the element's "key" and names its path by it: "record_kind.admin_penalty".
std::optional<std::string> ReadElementKey(TableReader& reader, std::string_view array,
                                          Problems& problems) {
  std::optional<std::string> key = reader.String("key", TableReader::Need::kRequired);
  if (!key) return std::nullopt;
  if (!IsIdentifier(*key)) {
    reader.Report("invalid", "key",
                  fmt::format("{} is not a valid key (lower-case letters, digits and _, starting "
                              "with a letter)",
                              Quoted(*key)));
    return std::nullopt;
  }
  reader.set_path(fmt::format("{}.{}", array, *key));
  return key;
}

// Keys seen so far in one array, to report duplicates with where the first one is.
class KeyRegistry {
 public:
  // False (and a problem) when the key was already defined.
  bool Add(const std::string& key, const TableReader& reader, Problems& problems) {
    Location here = reader.LocationOf("key");
    auto [it, inserted] = first_.emplace(key, here);
    if (!inserted) {
      problems.Add("duplicate", here, reader.path(),
                   fmt::format("duplicate key {}; first defined at {}:{}", Quoted(key),
                               it->second.file, it->second.line));
    }
    return inserted;
  }
  bool Contains(std::string_view key) const { return first_.find(key) != first_.end(); }

 private:
  std::map<std::string, Location, std::less<>> first_;
};

// toml → JSON for extension tables; keys in file order.
inline JsonValue TomlToJson(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: {
      JsonValue::Object object;
      for (const Field& field : FieldsOf(*node.as_table(), "")) {
        object.emplace_back(field.key, TomlToJson(*field.node));
      }
      return JsonValue(std::move(object));
    }
    case toml::node_type::array: {
      JsonValue::Array array;
      for (const toml::node& item : *node.as_array()) array.push_back(TomlToJson(item));
      return JsonValue(std::move(array));
    }
    case toml::node_type::string: return JsonValue(node.as_string()->get());
    case toml::node_type::integer: return JsonValue(node.as_integer()->get());
    case toml::node_type::floating_point: return JsonValue(node.as_floating_point()->get());
    case toml::node_type::boolean: return JsonValue(node.as_boolean()->get());
    case toml::node_type::date: {
      const toml::date& date = node.as_date()->get();
      return JsonValue(fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day));
    }
    case toml::node_type::time: {
      const toml::time& time = node.as_time()->get();
      return JsonValue(fmt::format("{:02}:{:02}:{:02}", time.hour, time.minute, time.second));
    }
    case toml::node_type::date_time: {
      const toml::date_time& value = node.as_date_time()->get();
      std::string text =
          fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", value.date.year, value.date.month,
                      value.date.day, value.time.hour, value.time.minute, value.time.second);
      if (value.offset) {
        int minutes = value.offset->minutes;
        if (minutes == 0) {
          text += "Z";
        } else {
          char sign = minutes < 0 ? '-' : '+';
          minutes = std::abs(minutes);
          text += fmt::format("{}{:02}:{:02}", sign, minutes / 60, minutes % 60);
        }
      }
      return JsonValue(std::move(text));
    }
    case toml::node_type::none: break;
  }
  return JsonValue();
}

struct ParsedFile {
  std::string name;
  toml::table table;
};

}  // namespace credence::policy::internal
