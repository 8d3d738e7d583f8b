#include "certs/codec.h"

#include <zlib.h>

#include <array>

namespace credence::certs {
namespace {

constexpr std::string_view kBase45Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

constexpr std::array<int8_t, 256> MakeBase45Values() {
  std::array<int8_t, 256> values{};
  for (auto& v : values) v = -1;
  for (size_t i = 0; i < kBase45Alphabet.size(); ++i) {
    values[static_cast<uint8_t>(kBase45Alphabet[i])] = static_cast<int8_t>(i);
  }
  return values;
}
constexpr std::array<int8_t, 256> kBase45Values = MakeBase45Values();

Error Base45Error(std::string message) {
  return Error::InvalidArgument("base45", "Base45: " + std::move(message));
}

}  // namespace

std::string Base45Encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() / 2 * 3 + 2);
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    unsigned n = static_cast<uint8_t>(bytes[i]) * 256u + static_cast<uint8_t>(bytes[i + 1]);
    out.push_back(kBase45Alphabet[n % 45]);
    out.push_back(kBase45Alphabet[(n / 45) % 45]);
    out.push_back(kBase45Alphabet[n / 2025]);
  }
  if (i < bytes.size()) {
    unsigned n = static_cast<uint8_t>(bytes[i]);
    out.push_back(kBase45Alphabet[n % 45]);
    out.push_back(kBase45Alphabet[n / 45]);
  }
  return out;
}

Result<std::string> Base45Decode(std::string_view text) {
  if (text.size() % 3 == 1) return Fail(Base45Error("length leaves a single character"));
  std::string out;
  out.reserve(text.size() / 3 * 2 + 1);
  for (size_t i = 0; i < text.size(); i += 3) {
    size_t group = std::min<size_t>(3, text.size() - i);
    unsigned n = 0;
    unsigned weight = 1;
    for (size_t j = 0; j < group; ++j) {
      int8_t v = kBase45Values[static_cast<uint8_t>(text[i + j])];
      if (v < 0)
        return Fail(Base45Error("character outside the alphabet at " + std::to_string(i + j)));
      n += static_cast<unsigned>(v) * weight;
      weight *= 45;
    }
    if (group == 3) {
      if (n > 0xffff) return Fail(Base45Error("group too large at " + std::to_string(i)));
      out.push_back(static_cast<char>(n >> 8));
      out.push_back(static_cast<char>(n & 0xff));
    } else {
      if (n > 0xff) return Fail(Base45Error("final group too large"));
      out.push_back(static_cast<char>(n));
    }
  }
  return out;
}

namespace {

// One deflate state per thread, reset between tokens: setting up a stream costs more than
// compressing a 300-byte certificate. A 1 KiB window and a small hash fit payloads of that size.
class Deflater {
 public:
  Deflater() {
    ok_ = deflateInit2(&stream_, Z_BEST_COMPRESSION, Z_DEFLATED, 10, 2, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~Deflater() {
    if (ok_) deflateEnd(&stream_);
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  std::string Compress(std::string_view bytes) {
    std::string out(deflateBound(&stream_, bytes.size()), '\0');
    deflateReset(&stream_);
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream_.avail_in = static_cast<uInt>(bytes.size());
    stream_.next_out = reinterpret_cast<Bytef*>(out.data());
    stream_.avail_out = static_cast<uInt>(out.size());
    deflate(&stream_, Z_FINISH);  // the output buffer holds deflateBound: one call finishes
    out.resize(stream_.total_out);
    return out;
  }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

}  // namespace

std::string ZlibCompress(std::string_view bytes) {
  thread_local Deflater deflater;
  return deflater.Compress(bytes);
}

Result<std::string> ZlibDecompress(std::string_view bytes, size_t max_output) {
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) return Fail(Error::Internal("zlib: inflateInit failed"));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  std::string out;
  std::array<char, 4096> chunk;
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream.avail_out = chunk.size();
    rc = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk.data(), chunk.size() - stream.avail_out);
    if (out.size() > max_output) rc = Z_MEM_ERROR;
    if (rc == Z_BUF_ERROR && stream.avail_in == 0) break;  // input ended before the stream did
  }
  bool complete = rc == Z_STREAM_END && stream.avail_in == 0;
  inflateEnd(&stream);
  if (complete) return out;
  if (out.size() > max_output) {
    return Fail(Error::InvalidArgument(
        "zlib", "zlib: expands beyond " + std::to_string(max_output) + " bytes"));
  }
  if (rc == Z_STREAM_END)
    return Fail(Error::InvalidArgument("zlib", "zlib: bytes after the stream"));
  return Fail(Error::InvalidArgument("zlib", "zlib: not a complete zlib stream"));
}

}  // namespace credence::certs
