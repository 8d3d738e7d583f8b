// Hashes and encodings for content addressing and the audit chain (OpenSSL inside hash.cc).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace credence {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::string_view data);
// SHA-256 over the concatenation of parts, without copying them together.
Sha256Digest Sha256Concat(std::initializer_list<std::string_view> parts);
// The first 8 bytes of SHA-256, big-endian, as a signed 64-bit integer (fits SQL INTEGER).
int64_t ContentHash64(std::string_view data);

std::string HexEncode(std::string_view bytes);
inline std::string HexEncode(const Sha256Digest& digest) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}
// Returns false on odd length or a non-hex character.
bool HexDecode(std::string_view hex, std::string* out);
inline std::string_view AsBytes(const Sha256Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

std::string Base64UrlEncode(std::string_view bytes);  // no padding
bool Base64UrlDecode(std::string_view text, std::string* out);

}  // namespace credence
