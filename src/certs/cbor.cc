#include "certs/cbor.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace credence::certs {
namespace {

// Deep enough for any certificate; shallow enough that hostile nesting cannot exhaust the stack.
constexpr int kMaxDepth = 32;

Error CborError(std::string message) {
  return Error::InvalidArgument("cbor", "CBOR: " + std::move(message));
}

double HalfToDouble(uint16_t half) {
  int exponent = (half >> 10) & 0x1f;
  int mantissa = half & 0x3ff;
  double value;
  if (exponent == 0) {
    value = std::ldexp(mantissa, -24);
  } else if (exponent != 31) {
    value = std::ldexp(mantissa + 1024, exponent - 25);
  } else {
    value = mantissa == 0 ? std::numeric_limits<double>::infinity()
                          : std::numeric_limits<double>::quiet_NaN();
  }
  return (half & 0x8000) ? -value : value;
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  bool at_end() const { return pos_ == data_.size(); }
  size_t pos() const { return pos_; }

  Result<CborValue> Item(int depth) {
    if (depth > kMaxDepth) return Fail(CborError("nested too deeply"));
    CREDENCE_ASSIGN_OR_RETURN(uint8_t initial, Byte());
    uint8_t major = initial >> 5;
    uint8_t info = initial & 0x1f;
    if (info == 31) return Indefinite(major, depth);
    CREDENCE_ASSIGN_OR_RETURN(uint64_t argument, Argument(info));
    switch (major) {
      case 0:
        if (argument > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return Fail(CborError("integer out of range"));
        }
        return CborValue::Int(static_cast<int64_t>(argument));
      case 1:
        if (argument > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          return Fail(CborError("integer out of range"));
        }
        return CborValue::Int(-1 - static_cast<int64_t>(argument));
      case 2:
      case 3: {
        CREDENCE_ASSIGN_OR_RETURN(std::string_view content, Take(argument));
        return major == 2 ? CborValue::Bytes(std::string(content))
                          : CborValue::Text(std::string(content));
      }
      case 4: {
        // Each item takes at least one byte: a count beyond the remaining bytes is a lie.
        if (argument > data_.size() - pos_) return Fail(CborError("array longer than the input"));
        std::vector<CborValue> items;
        items.reserve(argument);
        for (uint64_t i = 0; i < argument; ++i) {
          CREDENCE_ASSIGN_OR_RETURN(CborValue item, Item(depth + 1));
          items.push_back(std::move(item));
        }
        return CborValue::Array(std::move(items));
      }
      case 5: {
        if (argument > (data_.size() - pos_) / 2)
          return Fail(CborError("map longer than the input"));
        CborValue::Map entries;
        entries.reserve(argument);
        for (uint64_t i = 0; i < argument; ++i) {
          CREDENCE_ASSIGN_OR_RETURN(CborValue key, Item(depth + 1));
          CREDENCE_ASSIGN_OR_RETURN(CborValue value, Item(depth + 1));
          entries.emplace_back(std::move(key), std::move(value));
        }
        return CborValue::MapOf(std::move(entries));
      }
      case 6: {
        CREDENCE_ASSIGN_OR_RETURN(CborValue content, Item(depth + 1));
        return CborValue::Tagged(argument, std::move(content));
      }
      default: return Simple(info, argument);
    }
  }

 private:
  Result<uint8_t> Byte() {
    if (pos_ >= data_.size()) return Fail(CborError("truncated"));
    return static_cast<uint8_t>(data_[pos_++]);
  }

  Result<std::string_view> Take(uint64_t n) {
    if (n > data_.size() - pos_) return Fail(CborError("truncated"));
    std::string_view out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }

  Result<uint64_t> Argument(uint8_t info) {
    if (info < 24) return info;
    int width;
    switch (info) {
      case 24: width = 1; break;
      case 25: width = 2; break;
      case 26: width = 4; break;
      case 27: width = 8; break;
      default: return Fail(CborError("reserved additional information " + std::to_string(info)));
    }
    CREDENCE_ASSIGN_OR_RETURN(std::string_view bytes, Take(width));
    uint64_t value = 0;
    for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
    return value;
  }

  Result<CborValue> Simple(uint8_t info, uint64_t argument) {
    switch (info) {
      case 20: return CborValue::Bool(false);
      case 21: return CborValue::Bool(true);
      case 22: return CborValue::Null();
      case 23: return CborValue::Undefined();
      case 25: return CborValue::Float(HalfToDouble(static_cast<uint16_t>(argument)));
      case 26: {
        uint32_t bits = static_cast<uint32_t>(argument);
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return CborValue::Float(f);
      }
      case 27: {
        double d;
        std::memcpy(&d, &argument, sizeof d);
        return CborValue::Float(d);
      }
      default: return Fail(CborError("unsupported simple value " + std::to_string(argument)));
    }
  }

  // An indefinite-length item: chunks of a string, or items of an array or map, up to "break".
  Result<CborValue> Indefinite(uint8_t major, int depth) {
    if (major == 2 || major == 3) {
      std::string content;
      while (true) {
        CREDENCE_ASSIGN_OR_RETURN(uint8_t initial, Byte());
        if (initial == 0xff) break;
        if ((initial >> 5) != major || (initial & 0x1f) == 31) {
          return Fail(CborError("bad chunk in an indefinite-length string"));
        }
        CREDENCE_ASSIGN_OR_RETURN(uint64_t length, Argument(initial & 0x1f));
        CREDENCE_ASSIGN_OR_RETURN(std::string_view chunk, Take(length));
        content.append(chunk);
      }
      return major == 2 ? CborValue::Bytes(std::move(content))
                        : CborValue::Text(std::move(content));
    }
    if (major == 4 || major == 5) {
      std::vector<CborValue> items;
      CborValue::Map entries;
      while (true) {
        if (pos_ >= data_.size()) return Fail(CborError("truncated"));
        if (static_cast<uint8_t>(data_[pos_]) == 0xff) {
          ++pos_;
          break;
        }
        CREDENCE_ASSIGN_OR_RETURN(CborValue item, Item(depth + 1));
        if (major == 4) {
          items.push_back(std::move(item));
        } else {
          CREDENCE_ASSIGN_OR_RETURN(CborValue value, Item(depth + 1));
          entries.emplace_back(std::move(item), std::move(value));
        }
      }
      return major == 4 ? CborValue::Array(std::move(items)) : CborValue::MapOf(std::move(entries));
    }
    return Fail(CborError(major == 7 ? "unexpected break" : "indefinite length not allowed here"));
  }

  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace

CborValue CborValue::Int(int64_t value) {
  CborValue v;
  v.type_ = Type::kInt;
  v.integer_ = value;
  return v;
}
CborValue CborValue::Bytes(std::string value) {
  CborValue v;
  v.type_ = Type::kBytes;
  v.string_ = std::move(value);
  return v;
}
CborValue CborValue::Text(std::string value) {
  CborValue v;
  v.type_ = Type::kText;
  v.string_ = std::move(value);
  return v;
}
CborValue CborValue::Array(std::vector<CborValue> items) {
  CborValue v;
  v.type_ = Type::kArray;
  v.items_ = std::move(items);
  return v;
}
CborValue CborValue::MapOf(Map entries) {
  CborValue v;
  v.type_ = Type::kMap;
  v.entries_ = std::move(entries);
  return v;
}
CborValue CborValue::Tagged(uint64_t tag, CborValue content) {
  CborValue v;
  v.type_ = Type::kTag;
  v.integer_ = static_cast<int64_t>(tag);
  v.items_.push_back(std::move(content));
  return v;
}
CborValue CborValue::Bool(bool value) {
  CborValue v;
  v.type_ = Type::kBool;
  v.integer_ = value ? 1 : 0;
  return v;
}
CborValue CborValue::Null() { return CborValue(); }
CborValue CborValue::Undefined() {
  CborValue v;
  v.type_ = Type::kUndefined;
  return v;
}
CborValue CborValue::Float(double value) {
  CborValue v;
  v.type_ = Type::kFloat;
  v.number_ = value;
  return v;
}

const CborValue* CborValue::Find(int64_t key) const {
  if (type_ != Type::kMap) return nullptr;
  for (const auto& [k, v] : entries_) {
    if (k.type_ == Type::kInt && k.integer_ == key) return &v;
  }
  return nullptr;
}

const CborValue* CborValue::Find(std::string_view key) const {
  if (type_ != Type::kMap) return nullptr;
  for (const auto& [k, v] : entries_) {
    if (k.type_ == Type::kText && k.string_ == key) return &v;
  }
  return nullptr;
}

Result<CborValue> DecodeCbor(std::string_view data) {
  Reader reader(data);
  CREDENCE_ASSIGN_OR_RETURN(CborValue value, reader.Item(0));
  if (!reader.at_end()) {
    return Fail(CborError(std::to_string(data.size() - reader.pos()) + " bytes after the item"));
  }
  return value;
}

void AppendCborHead(std::string& out, uint8_t major_type, uint64_t argument) {
  uint8_t major = static_cast<uint8_t>(major_type << 5);
  if (argument < 24) {
    out.push_back(static_cast<char>(major | argument));
    return;
  }
  int width = argument <= 0xff ? 1 : argument <= 0xffff ? 2 : argument <= 0xffffffffULL ? 4 : 8;
  out.push_back(static_cast<char>(major | (width == 1   ? 24
                                           : width == 2 ? 25
                                           : width == 4 ? 26
                                                        : 27)));
  for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((argument >> shift) & 0xff));
  }
}

void AppendCborBytes(std::string& out, std::string_view bytes) {
  AppendCborHead(out, 2, bytes.size());
  out.append(bytes);
}

void AppendCborText(std::string& out, std::string_view text) {
  AppendCborHead(out, 3, text.size());
  out.append(text);
}

void AppendCborInt(std::string& out, int64_t value) {
  if (value >= 0) {
    AppendCborHead(out, 0, static_cast<uint64_t>(value));
  } else {
    AppendCborHead(out, 1, static_cast<uint64_t>(-1 - value));
  }
}

namespace {

void Append(std::string& out, const CborValue& value) {
  switch (value.type()) {
    case CborValue::Type::kInt: AppendCborInt(out, value.as_int()); break;
    case CborValue::Type::kBytes: AppendCborBytes(out, value.as_string()); break;
    case CborValue::Type::kText: AppendCborText(out, value.as_string()); break;
    case CborValue::Type::kArray:
      AppendCborHead(out, 4, value.items().size());
      for (const CborValue& item : value.items()) Append(out, item);
      break;
    case CborValue::Type::kMap:
      AppendCborHead(out, 5, value.entries().size());
      for (const auto& [k, v] : value.entries()) {
        Append(out, k);
        Append(out, v);
      }
      break;
    case CborValue::Type::kTag:
      AppendCborHead(out, 6, value.tag());
      Append(out, value.tagged());
      break;
    case CborValue::Type::kBool: out.push_back(value.as_bool() ? '\xf5' : '\xf4'); break;
    case CborValue::Type::kNull: out.push_back('\xf6'); break;
    case CborValue::Type::kUndefined: out.push_back('\xf7'); break;
    case CborValue::Type::kFloat: {
      double d = value.as_float();
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      out.push_back('\xfb');
      for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(bits >> shift));
      break;
    }
  }
}

}  // namespace

std::string EncodeCbor(const CborValue& value) {
  std::string out;
  Append(out, value);
  return out;
}

}  // namespace credence::certs
