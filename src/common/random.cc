#include "common/random.h"

#include <sys/random.h>

#include <stdexcept>

namespace credence {
namespace {

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

uint64_t Random::Uniform(uint64_t bound) {
  if (bound <= 1) return 0;
  uint64_t threshold = (0 - bound) % bound;  // 2^64 mod bound
  for (;;) {
    uint64_t r = Next();
    if (r >= threshold) return r % bound;
  }
}

bool Random::Chance(double p) { return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p; }

std::string Random::Bytes(size_t n) {
  std::string out;
  out.reserve(n + 8);
  while (out.size() < n) {
    uint64_t r = Next();
    for (int i = 0; i < 8 && out.size() < n; ++i) out.push_back(static_cast<char>(r >> (8 * i)));
  }
  return out;
}

SeededRandom::SeededRandom(uint64_t seed) {
  for (uint64_t& s : state_) s = SplitMix64(seed);
}

uint64_t SeededRandom::Next() {
  const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = Rotl(state_[3], 45);
  return result;
}

uint64_t SecureRandom::Next() {
  uint64_t value = 0;
  char* out = reinterpret_cast<char*>(&value);
  size_t got = 0;
  while (got < sizeof(value)) {
    ssize_t n = getrandom(out + got, sizeof(value) - got, 0);
    if (n < 0) throw std::runtime_error("getrandom failed");  // no entropy: cannot continue
    got += static_cast<size_t>(n);
  }
  return value;
}

}  // namespace credence
