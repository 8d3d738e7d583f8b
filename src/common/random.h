// Random numbers are injected: secure randomness for tokens and keys, seeded randomness for
// anything that must be reproducible (the demo city, inspection draws).
#pragma once

#include <cstdint>
#include <string>

namespace credence {

class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t Next() = 0;
  // Uniform in [0, bound); bound > 0. Unbiased (rejection sampling).
  uint64_t Uniform(uint64_t bound);
  // Uniform in [lo, hi].
  int64_t Range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Uniform(hi - lo + 1)); }
  // True with probability p.
  bool Chance(double p);
  // n random bytes.
  std::string Bytes(size_t n);
};

// xoshiro256** seeded through splitmix64: the same seed gives the same sequence on every machine.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed);
  uint64_t Next() override;

 private:
  uint64_t state_[4];
};

// The operating system's CSPRNG (getrandom). Thread-safe.
class SecureRandom final : public Random {
 public:
  uint64_t Next() override;
};

}  // namespace credence
