#include "lists/payload_internal.h"

namespace credence::lists::internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipSpace(std::string_view text, size_t pos) {
  while (pos < text.size() && IsSpace(text[pos])) ++pos;
  return pos;
}

// At an opening quote: the position after the closing quote, or npos.
size_t SkipString(std::string_view text, size_t pos, bool* has_escapes) {
  for (size_t i = pos + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      if (has_escapes != nullptr) *has_escapes = true;
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
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

std::optional<RawValue> FindMember(std::string_view object_json, std::string_view key) {
  size_t pos = SkipSpace(object_json, 0);
  if (pos >= object_json.size() || object_json[pos] != '{') return std::nullopt;
  pos = SkipSpace(object_json, pos + 1);
  if (pos < object_json.size() && object_json[pos] == '}') return std::nullopt;
  while (pos < object_json.size()) {
    if (object_json[pos] != '"') return std::nullopt;
    bool key_escaped = false;
    size_t key_end = SkipString(object_json, pos, &key_escaped);
    if (key_end == std::string_view::npos) return std::nullopt;
    std::string_view member_key = object_json.substr(pos + 1, key_end - pos - 2);
    pos = SkipSpace(object_json, key_end);
    if (pos >= object_json.size() || object_json[pos] != ':') return std::nullopt;
    pos = SkipSpace(object_json, pos + 1);
    size_t value_begin = pos;
    bool value_escaped = false;
    size_t value_end = pos < object_json.size() && object_json[pos] == '"'
                           ? SkipString(object_json, pos, &value_escaped)
                           : SkipValue(object_json, pos);
    if (value_end == std::string_view::npos) return std::nullopt;
    // Keys the platform reads are plain ASCII: a key written with escapes is not one of them.
    if (!key_escaped && member_key == key) {
      return Classify(object_json, value_begin, value_end, value_escaped);
    }
    pos = SkipSpace(object_json, value_end);
    if (pos >= object_json.size()) return std::nullopt;
    if (object_json[pos] == '}') return std::nullopt;
    if (object_json[pos] != ',') return std::nullopt;
    pos = SkipSpace(object_json, pos + 1);
  }
  return std::nullopt;
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

}  // namespace

std::optional<RawValue> FindField(std::string_view payload, std::string_view path) {
  if (std::optional<RawValue> value = FindPath(payload, path)) return value;
  if (path.starts_with("extra.")) return std::nullopt;
  std::optional<RawValue> extra = FindMember(payload, "extra");
  if (!extra || extra->kind != RawValue::Kind::kObject) return std::nullopt;
  return FindPath(extra->text, path);
}

std::optional<std::string_view> FieldText(std::string_view payload, std::string_view path,
                                          std::string& scratch) {
  std::optional<RawValue> value = FindField(payload, path);
  if (!value) return std::nullopt;
  if (value->kind == RawValue::Kind::kNumber) return value->text;
  if (value->kind != RawValue::Kind::kString) return std::nullopt;
  if (!value->has_escapes) return TrimAsciiSpace(value->text);
  if (!Unescape(value->text, scratch)) return std::nullopt;
  return TrimAsciiSpace(scratch);
}

std::optional<Date> FieldDate(std::string_view payload, std::string_view path) {
  std::string scratch;
  std::optional<std::string_view> text = FieldText(payload, path, scratch);
  if (!text) return std::nullopt;
  Result<Date> date = Date::Parse(*text);
  if (!date) return std::nullopt;
  return *date;
}

std::optional<int64_t> FieldInt(std::string_view payload, std::string_view path) {
  std::string scratch;
  std::optional<std::string_view> text = FieldText(payload, path, scratch);
  if (!text || text->empty() || text->size() > 18) return std::nullopt;
  std::string_view digits = *text;
  bool negative = false;
  if (digits.front() == '-' || digits.front() == '+') {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return std::nullopt;
  int64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return negative ? -value : value;
}

}  // namespace credence::lists::internal
