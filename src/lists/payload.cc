#include "lists/payload_internal.h"

#include <string.h>  // memmem (glibc)

#include <cstring>

namespace credence::lists::internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipSpace(std::string_view text, size_t pos) {
  while (pos < text.size() && IsSpace(text[pos])) ++pos;
  return pos;
}

// At an opening quote: the position after the closing quote, or npos. memchr finds the quotes:
// payload strings are mostly long Chinese texts, which a byte loop crawls through.
size_t SkipString(std::string_view text, size_t pos, bool* has_escapes) {
  const size_t body = pos + 1;
  size_t from = body;
  while (from < text.size()) {
    const void* found = std::memchr(text.data() + from, '"', text.size() - from);
    if (found == nullptr) return std::string_view::npos;
    size_t quote = static_cast<size_t>(static_cast<const char*>(found) - text.data());
    // A quote preceded by an odd number of backslashes is part of the string.
    size_t backslashes = 0;
    while (quote - backslashes > body && text[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) {
      if (has_escapes != nullptr && std::memchr(text.data() + body, '\\', quote - body)) {
        *has_escapes = true;
      }
      return quote + 1;
    }
    from = quote + 1;
  }
  return std::string_view::npos;
}

// At the first character of a value: the position after it, or npos when malformed.
size_t SkipValue(std::string_view text, size_t pos) {
  if (pos >= text.size()) return std::string_view::npos;
  char c = text[pos];
  if (c == '"') return SkipString(text, pos, nullptr);
  if (c == '{' || c == '[') {
    int depth = 0;
    for (size_t i = pos; i < text.size(); ++i) {
      char d = text[i];
      if (d == '"') {
        i = SkipString(text, i, nullptr);
        if (i == std::string_view::npos) return i;
        --i;
      } else if (d == '{' || d == '[') {
        ++depth;
      } else if (d == '}' || d == ']') {
        if (--depth == 0) return i + 1;
      }
    }
    return std::string_view::npos;
  }
  size_t end = pos;
  while (end < text.size() && text[end] != ',' && text[end] != '}' && text[end] != ']' &&
         !IsSpace(text[end])) {
    ++end;
  }
  return end == pos ? std::string_view::npos : end;
}

RawValue Classify(std::string_view text, size_t begin, size_t end, bool has_escapes) {
  RawValue value;
  char c = text[begin];
  switch (c) {
    case '"':
      value.kind = RawValue::Kind::kString;
      value.text = text.substr(begin + 1, end - begin - 2);
      value.has_escapes = has_escapes;
      return value;
    case '{': value.kind = RawValue::Kind::kObject; break;
    case '[': value.kind = RawValue::Kind::kArray; break;
    case 't': value.kind = RawValue::Kind::kTrue; break;
    case 'f': value.kind = RawValue::Kind::kFalse; break;
    case 'n': value.kind = RawValue::Kind::kNull; break;
    default: value.kind = RawValue::Kind::kNumber; break;
  }
  value.text = text.substr(begin, end - begin);
  return value;
}

std::string_view TrimAsciiSpace(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

void AppendUtf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

bool ReadHex4(std::string_view body, size_t pos, uint32_t* out) {
  if (pos + 4 > body.size()) return false;
  uint32_t value = 0;
  for (size_t i = pos; i < pos + 4; ++i) {
    char c = body[i];
    value <<= 4;
    if (c >= '0' && c <= '9') {
      value |= static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      value |= static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      value |= static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return false;
    }
  }
  *out = value;
  return true;
}

}  // namespace

bool Unescape(std::string_view body, std::string& out) {
  out.clear();
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= body.size()) return false;
    switch (body[i]) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t unit = 0;
        if (!ReadHex4(body, i + 1, &unit)) return false;
        i += 4;
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          uint32_t low = 0;
          if (i + 2 >= body.size() || body[i + 1] != '\\' || body[i + 2] != 'u' ||
              !ReadHex4(body, i + 3, &low) || low < 0xDC00 || low > 0xDFFF) {
            return false;
          }
          i += 6;
          unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
          return false;
        }
        AppendUtf8(unit, out);
        break;
      }
      default: return false;
    }
  }
  return true;
}

namespace {

// Calls visit(key, key_escaped, value) for each member of the JSON object, in order, until it
// returns false. Returns false when the text is not a well-formed object up to where it stopped.
template <typename Visit>
bool ForEachMember(std::string_view object_json, Visit&& visit) {
  size_t pos = SkipSpace(object_json, 0);
  if (pos >= object_json.size() || object_json[pos] != '{') return false;
  pos = SkipSpace(object_json, pos + 1);
  if (pos < object_json.size() && object_json[pos] == '}') return true;
  while (pos < object_json.size()) {
    if (object_json[pos] != '"') return false;
    bool key_escaped = false;
    size_t key_end = SkipString(object_json, pos, &key_escaped);
    if (key_end == std::string_view::npos) return false;
    std::string_view member_key = object_json.substr(pos + 1, key_end - pos - 2);
    pos = SkipSpace(object_json, key_end);
    if (pos >= object_json.size() || object_json[pos] != ':') return false;
    pos = SkipSpace(object_json, pos + 1);
    size_t value_begin = pos;
    bool value_escaped = false;
    size_t value_end = pos < object_json.size() && object_json[pos] == '"'
                           ? SkipString(object_json, pos, &value_escaped)
                           : SkipValue(object_json, pos);
    if (value_end == std::string_view::npos) return false;
    if (!visit(member_key, key_escaped,
               Classify(object_json, value_begin, value_end, value_escaped))) {
      return true;
    }
    pos = SkipSpace(object_json, value_end);
    if (pos >= object_json.size()) return false;
    if (object_json[pos] == '}') return true;
    if (object_json[pos] != ',') return false;
    pos = SkipSpace(object_json, pos + 1);
  }
  return false;
}

std::optional<RawValue> FindPath(std::string_view json, std::string_view path);

}  // namespace

std::optional<RawValue> FindMember(std::string_view object_json, std::string_view key) {
  std::optional<RawValue> found;
  ForEachMember(object_json, [&](std::string_view member_key, bool key_escaped, RawValue value) {
    // Keys the platform reads are plain ASCII: a key written with escapes is not one of them.
    if (key_escaped || member_key != key) return true;
    found = value;
    return false;
  });
  return found;
}

namespace {

std::optional<RawValue> FindPath(std::string_view json, std::string_view path) {
  std::string_view object = json;
  while (true) {
    size_t dot = path.find('.');
    std::optional<RawValue> value = FindMember(object, path.substr(0, dot));
    if (!value || dot == std::string_view::npos) return value;
    if (value->kind != RawValue::Kind::kObject) return std::nullopt;
    object = value->text;
    path.remove_prefix(dot + 1);
  }
}

// The text of a string or number value, trimmed; nullopt for other kinds.
std::optional<std::string_view> TextOf(const std::optional<RawValue>& value, std::string& scratch) {
  if (!value) return std::nullopt;
  if (value->kind == RawValue::Kind::kNumber) return value->text;
  if (value->kind != RawValue::Kind::kString) return std::nullopt;
  if (!value->has_escapes) return TrimAsciiSpace(value->text);
  if (!Unescape(value->text, scratch)) return std::nullopt;
  return TrimAsciiSpace(scratch);
}

std::optional<Date> DateOf(const std::optional<RawValue>& value) {
  std::string scratch;
  std::optional<std::string_view> text = TextOf(value, scratch);
  if (!text) return std::nullopt;
  Result<Date> date = Date::Parse(*text);
  if (!date) return std::nullopt;
  return *date;
}

std::optional<int64_t> IntOf(const std::optional<RawValue>& value) {
  std::string scratch;
  std::optional<std::string_view> text = TextOf(value, scratch);
  if (!text || text->empty() || text->size() > 18) return std::nullopt;
  std::string_view digits = *text;
  bool negative = false;
  if (digits.front() == '-' || digits.front() == '+') {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return std::nullopt;
  int64_t number = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    number = number * 10 + (c - '0');
  }
  return negative ? -number : number;
}

}  // namespace

PayloadFields::PayloadFields(std::string_view payload) : payload_(payload) {}

bool PayloadFields::Mentions(std::string_view key) const {
  char needle[64];
  if (key.size() + 2 > sizeof(needle)) return true;  // cannot tell cheaply: look it up
  needle[0] = '"';
  std::memcpy(needle + 1, key.data(), key.size());
  needle[key.size() + 1] = '"';
  return memmem(payload_.data(), payload_.size(), needle, key.size() + 2) != nullptr;
}

void PayloadFields::BuildIndex() const {
  indexed_ = true;
  auto fill = [](Members& members, std::string_view object) {
    members.text = object;
    bool fitted = true;
    bool well_formed =
        ForEachMember(object, [&](std::string_view key, bool key_escaped, RawValue value) {
          if (key_escaped) return true;
          if (members.count == kCapacity) {
            fitted = false;
            return false;
          }
          members.entries[members.count++] = {key.data(),
                                              value.text.data(),
                                              static_cast<uint32_t>(key.size()),
                                              static_cast<uint32_t>(value.text.size()),
                                              value.kind,
                                              value.has_escapes};
          return true;
        });
    members.complete = fitted && well_formed;
  };
  fill(top_, payload_);
  if (std::optional<RawValue> extra = top_.Find("extra");
      extra && extra->kind == RawValue::Kind::kObject) {
    fill(extra_, extra->text);
  } else {
    extra_.complete = true;
  }
}

std::optional<RawValue> PayloadFields::Members::Find(std::string_view key) const {
  for (uint8_t i = 0; i < count; ++i) {
    const Entry& entry = entries[i];
    if (std::string_view(entry.key, entry.key_size) == key) {
      RawValue value;
      value.kind = entry.kind;
      value.text = std::string_view(entry.text, entry.text_size);
      value.has_escapes = entry.has_escapes;
      return value;
    }
  }
  if (complete) return std::nullopt;
  return FindMember(text, key);
}

std::optional<RawValue> PayloadFields::FindTopLevel(std::string_view path) const {
  size_t dot = path.find('.');
  std::optional<RawValue> value = top_.Find(path.substr(0, dot));
  if (!value || dot == std::string_view::npos) return value;
  if (value->kind != RawValue::Kind::kObject) return std::nullopt;
  return FindPath(value->text, path.substr(dot + 1));
}

std::optional<RawValue> PayloadFields::Find(std::string_view path) const {
  if (!indexed_) {
    if (!Mentions(path.substr(0, path.find('.')))) return std::nullopt;
    BuildIndex();
  }
  if (std::optional<RawValue> value = FindTopLevel(path)) return value;
  if (path.starts_with("extra.")) return std::nullopt;
  size_t dot = path.find('.');
  std::optional<RawValue> value = extra_.Find(path.substr(0, dot));
  if (!value || dot == std::string_view::npos) return value;
  if (value->kind != RawValue::Kind::kObject) return std::nullopt;
  return FindPath(value->text, path.substr(dot + 1));
}

std::optional<std::string_view> PayloadFields::Text(std::string_view path,
                                                    std::string& scratch) const {
  return TextOf(Find(path), scratch);
}

std::optional<Date> PayloadFields::DateValue(std::string_view path) const {
  return DateOf(Find(path));
}

std::optional<int64_t> PayloadFields::Int(std::string_view path) const { return IntOf(Find(path)); }

std::optional<RawValue> FindField(std::string_view payload, std::string_view path) {
  return PayloadFields(payload).Find(path);
}

std::optional<std::string_view> FieldText(std::string_view payload, std::string_view path,
                                          std::string& scratch) {
  return TextOf(FindField(payload, path), scratch);
}

std::optional<Date> FieldDate(std::string_view payload, std::string_view path) {
  return DateOf(FindField(payload, path));
}

std::optional<int64_t> FieldInt(std::string_view payload, std::string_view path) {
  return IntOf(FindField(payload, path));
}

}  // namespace credence::lists::internal
