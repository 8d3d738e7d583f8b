// The transport encodings of a certificate token: Base45 (RFC 9285) and zlib (RFC 1950).
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace credence::certs {

// Base45 with the QR alphanumeric alphabet "0-9A-Z $%*+-./:".
std::string Base45Encode(std::string_view bytes);
// Errors (reason "base45") for a character outside the alphabet, a dangling single character,
// or a group whose value does not fit its bytes.
Result<std::string> Base45Decode(std::string_view text);

// zlib at the best compression level (tokens end up in QR codes, where every byte counts).
std::string ZlibCompress(std::string_view bytes);
// Errors (reason "zlib") for anything but one complete zlib stream, or output beyond max_output
// bytes (a small token must not expand into megabytes).
Result<std::string> ZlibDecompress(std::string_view bytes, size_t max_output = 64 * 1024);

}  // namespace credence::certs
