// UTF-8 handling, GB18030 conversion (glibc iconv) and name normalisation (utf8proc for NFKC and
// case folding, OpenCC for traditional → simplified). The third-party headers stay in this file.
#include "text/text.h"

#include <cerrno>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <iconv.h>
#include <utf8proc.h>
#include <opencc/Exception.hpp>
#include <opencc/Lexicon.hpp>
#include <opencc/MarisaDict.hpp>
#include <opencc/SimpleConverter.hpp>

#include "common/log.h"

namespace credence::text {
namespace {

constexpr char32_t kReplacementCharacter = 0xFFFD;

// Decodes one strictly valid UTF-8 sequence at the start of `bytes` (no overlongs, no
// surrogates, nothing above U+10FFFF). Returns its length and sets *code_point, or returns 0.
size_t DecodeOne(std::string_view bytes, char32_t* code_point) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(bytes[i]); };
  auto is_continuation = [&](size_t i) { return i < bytes.size() && (byte(i) & 0xC0) == 0x80; };
  unsigned char lead = byte(0);
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  }
  if (lead >= 0xC2 && lead <= 0xDF) {
    if (!is_continuation(1)) return 0;
    *code_point = ((lead & 0x1Fu) << 6) | (byte(1) & 0x3Fu);
    return 2;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!is_continuation(1) || !is_continuation(2)) return 0;
    char32_t cp = ((lead & 0x0Fu) << 12) | ((byte(1) & 0x3Fu) << 6) | (byte(2) & 0x3Fu);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;  // overlong or surrogate
    *code_point = cp;
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!is_continuation(1) || !is_continuation(2) || !is_continuation(3)) return 0;
    char32_t cp = ((lead & 0x07u) << 18) | ((byte(1) & 0x3Fu) << 12) | ((byte(2) & 0x3Fu) << 6) |
                  (byte(3) & 0x3Fu);
    if (cp < 0x10000 || cp > 0x10FFFF) return 0;  // overlong or beyond Unicode
    *code_point = cp;
    return 4;
  }
  return 0;  // continuation byte, C0/C1 (always overlong) or F5..FF
}

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Whitespace removed from names: Unicode White_Space plus the zero-width characters that
// copy-and-paste leaves in feeds.
bool IsNameWhitespace(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x2060 || cp == 0x3000 || cp == 0xFEFF;
}

// Bracket variants become ASCII parentheses. Full-width （）［］ are already ASCII after NFKC.
char32_t UnifyBracket(char32_t cp) {
  switch (cp) {
    case U'[':
    case U'【':
    case U'〔':
    case U'〖': return U'(';
    case U']':
    case U'】':
    case U'〕':
    case U'〗': return U')';
    default: return cp;
  }
}

void AppendNameCodePoint(char32_t cp, std::string* out) {
  if (IsNameWhitespace(cp)) return;
  AppendUtf8(UnifyBracket(cp), out);
}

// Where OpenCC's traditional → simplified data lives (Debian's libopencc-data).
constexpr const char* kOpenccDataDir = "/usr/share/opencc/";
constexpr const char* kT2sConfig = "t2s.json";
// The dictionaries t2s.json converts with; only used to know which characters can change.
constexpr const char* kT2sDictionaries[] = {"TSPhrases.ocd2", "TSCharacters.ocd2"};

// The t2s converter, created once. Conversion with OpenCC costs several microseconds per name,
// and most names are already simplified, so the converter is only called when the name holds a
// code point that starts a dictionary key whose conversion differs from the key. Any change
// OpenCC makes begins with such a match, so skipping names without one changes nothing.
class TraditionalToSimplified {
 public:
  static const TraditionalToSimplified& Instance() {
    static const TraditionalToSimplified instance;
    return instance;
  }

  // True if converting `code_points` may change them.
  bool MayChange(const std::vector<char32_t>& code_points) const {
    if (!converter_) return false;
    if (!filter_loaded_) return true;
    for (char32_t cp : code_points) {
      if (cp < key_starts_.size() && key_starts_[cp]) return true;
    }
    return false;
  }

  std::string Convert(const std::string& utf8) const {
    if (!converter_) return utf8;
    try {
      return converter_->Convert(utf8.data(), utf8.size());
    } catch (...) {
      // A conversion failure must not lose the name: keep it unconverted.
      return utf8;
    }
  }

 private:
  TraditionalToSimplified() {
    try {
      converter_ =
          std::make_unique<opencc::SimpleConverter>(std::string(kOpenccDataDir) + kT2sConfig);
    } catch (const opencc::Exception& e) {
      // Names stay searchable without the conversion, so this is a warning, not a failure.
      LogWarn("opencc_unavailable", {{"config", kT2sConfig}, {"error", e.what()}});
      return;
    } catch (const std::exception& e) {
      LogWarn("opencc_unavailable", {{"config", kT2sConfig}, {"error", e.what()}});
      return;
    }
    filter_loaded_ = LoadKeyStarts();
  }

  bool LoadKeyStarts() {
    key_starts_.assign(0x110000, false);
    for (const char* dictionary : kT2sDictionaries) {
      std::string path = std::string(kOpenccDataDir) + dictionary;
      std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
      if (!file) return false;
      try {
        opencc::MarisaDictPtr dict = opencc::MarisaDict::NewFromFile(file.get());
        for (const auto& entry : *dict->GetLexicon()) {
          std::string key = entry->Key();
          if (key.empty() || entry->GetDefault() == key) continue;
          char32_t first = 0;
          if (DecodeOne(key, &first) == 0) return false;
          key_starts_[first] = true;
        }
      } catch (...) {
        return false;
      }
    }
    return true;
  }

  std::unique_ptr<opencc::SimpleConverter> converter_;
  bool filter_loaded_ = false;
  std::vector<bool> key_starts_;  // indexed by code point
};

// A per-thread iconv descriptor: iconv_t keeps conversion state, so threads must not share one,
// and opening one per call would cost more than converting a short field.
class Gb18030Decoder {
 public:
  Gb18030Decoder() : handle_(iconv_open("UTF-8", "GB18030")) {}
  ~Gb18030Decoder() {
    if (ok()) iconv_close(handle_);
  }
  Gb18030Decoder(const Gb18030Decoder&) = delete;
  Gb18030Decoder& operator=(const Gb18030Decoder&) = delete;

  bool ok() const { return handle_ != reinterpret_cast<iconv_t>(-1); }
  iconv_t handle() const { return handle_; }

 private:
  iconv_t handle_;
};

std::string HexByte(unsigned char byte) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string("0x") + kDigits[byte >> 4] + kDigits[byte & 0x0F];
}

}  // namespace

bool IsValidUtf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp = 0;
    size_t length = DecodeOne(bytes.substr(i), &cp);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

Result<std::string> Gb18030ToUtf8(std::string_view bytes) {
  thread_local Gb18030Decoder decoder;
  if (!decoder.ok()) {
    return Fail(Error::Internal("the C library has no GB18030 converter (iconv)"));
  }
  iconv(decoder.handle(), nullptr, nullptr, nullptr, nullptr);  // reset the shift state
  std::string out;
  // Each GB18030 character of 1, 2 or 4 bytes becomes at most 4 UTF-8 bytes, usually fewer.
  out.resize(bytes.size() * 2 + 16);
  char* in_ptr = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  size_t written = 0;
  while (in_left > 0) {
    char* out_ptr = out.data() + written;
    size_t out_left = out.size() - written;
    size_t result = iconv(decoder.handle(), &in_ptr, &in_left, &out_ptr, &out_left);
    written = out.size() - out_left;
    if (result != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    size_t offset = bytes.size() - in_left;
    std::string what = errno == EINVAL ? "an incomplete character at the end"
                                       : "byte " + HexByte(static_cast<unsigned char>(*in_ptr));
    return Fail(Error::InvalidArgument(
        "encoding", "not valid GB18030: " + what + " at byte offset " + std::to_string(offset)));
  }
  out.resize(written);
  return out;
}

std::string NormalizeName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  // Fast path: for ASCII, NFKC is the identity and case folding is lower-casing.
  if (IsAscii(name)) {
    for (char c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      AppendNameCodePoint(static_cast<unsigned char>(c), &out);
    }
    return out;
  }

  std::string repaired;
  if (!IsValidUtf8(name)) {
    for (char32_t cp : CodePoints(name)) AppendUtf8(cp, &repaired);
    name = repaired;
  }

  // NFKC + case folding into a per-thread buffer (utf8proc_map would allocate twice per call).
  constexpr auto kOptions = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                                           UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE);
  thread_local std::vector<utf8proc_int32_t> buffer(64);
  const auto* input = reinterpret_cast<const utf8proc_uint8_t*>(name.data());
  auto input_length = static_cast<utf8proc_ssize_t>(name.size());
  utf8proc_ssize_t length = utf8proc_decompose(
      input, input_length, buffer.data(), static_cast<utf8proc_ssize_t>(buffer.size()), kOptions);
  if (length > static_cast<utf8proc_ssize_t>(buffer.size())) {
    buffer.resize(static_cast<size_t>(length));
    length = utf8proc_decompose(input, input_length, buffer.data(), length, kOptions);
  }
  if (length >= 0) length = utf8proc_normalize_utf32(buffer.data(), length, kOptions);
  std::vector<char32_t> code_points;
  if (length < 0) {
    // Cannot happen for valid UTF-8; keep the name rather than lose it.
    code_points = CodePoints(name);
  } else {
    code_points.assign(buffer.begin(), buffer.begin() + length);
  }

  const TraditionalToSimplified& t2s = TraditionalToSimplified::Instance();
  if (t2s.MayChange(code_points)) {
    std::string folded;
    for (char32_t cp : code_points) AppendUtf8(cp, &folded);
    code_points = CodePoints(t2s.Convert(folded));
  }
  for (char32_t cp : code_points) AppendNameCodePoint(cp, &out);
  return out;
}

std::vector<char32_t> CodePoints(std::string_view utf8) {
  std::vector<char32_t> code_points;
  code_points.reserve(utf8.size());
  size_t i = 0;
  while (i < utf8.size()) {
    char32_t cp = 0;
    size_t length = DecodeOne(utf8.substr(i), &cp);
    if (length == 0) {
      code_points.push_back(kReplacementCharacter);
      ++i;
    } else {
      code_points.push_back(cp);
      i += length;
    }
  }
  return code_points;
}

void AppendUtf8(char32_t code_point, std::string* out) {
  if (code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    code_point = kReplacementCharacter;
  }
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kIdeographicSpace = "\u3000";
  auto is_ascii_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  while (true) {
    if (!text.empty() && is_ascii_space(text.front())) {
      text.remove_prefix(1);
    } else if (text.starts_with(kIdeographicSpace)) {
      text.remove_prefix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  while (true) {
    if (!text.empty() && is_ascii_space(text.back())) {
      text.remove_suffix(1);
    } else if (text.ends_with(kIdeographicSpace)) {
      text.remove_suffix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  return text;
}

}  // namespace credence::text
