// Text handling for Chinese names and feeds: UTF-8 validation, GB18030 conversion, and the
// normalisation used for search and matching (utf8proc and OpenCC stay inside text.cc).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace credence::text {

bool IsValidUtf8(std::string_view bytes);

// Converts GB18030 (a superset of GBK and GB2312) to UTF-8 with glibc's iconv. Fails with an
// InvalidArgument error, reason "encoding", whose message names the first bad byte and its
// 0-based offset ("not valid GB18030: byte 0x81 at byte offset 2"). Thread-safe.
Result<std::string> Gb18030ToUtf8(std::string_view bytes);

// The normalised form of a subject name for search and matching: NFKC (full-width to
// half-width), case folded, traditional Chinese converted to simplified (OpenCC t2s; skipped,
// with a warning in the log, when OpenCC's data cannot be loaded), all bracket variants
// （）【】〔〕〖〗[] to (), whitespace (including U+3000) and zero-width spaces removed. Invalid
// UTF-8 bytes become U+FFFD. Idempotent and thread-safe; well under a microsecond for a typical
// simplified name, several microseconds when traditional characters need converting.
std::string NormalizeName(std::string_view name);

// Splits UTF-8 into code points (invalid bytes become U+FFFD).
std::vector<char32_t> CodePoints(std::string_view utf8);
void AppendUtf8(char32_t code_point, std::string* out);

// Trims ASCII and full-width (U+3000) whitespace at both ends.
std::string_view Trim(std::string_view text);

}  // namespace credence::text
