#include "store/key_dictionary.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace credence::store {
namespace {

TEST(KeyDictionaryTest, MapsKeysAndIdsBothWays) {
  KeyDictionary dictionary;
  EXPECT_FALSE(dictionary.IdOf("court").has_value());
  EXPECT_FALSE(dictionary.KeyOf(1).has_value());
  dictionary.Add(1, "court");
  dictionary.Add(2, "tax");
  dictionary.Add(1, "court");  // again: harmless
  EXPECT_EQ(dictionary.IdOf("court"), 1);
  EXPECT_EQ(dictionary.IdOf("tax"), 2);
  EXPECT_EQ(dictionary.KeyOf(2), "tax");
  EXPECT_FALSE(dictionary.IdOf("customs").has_value());
  EXPECT_EQ(dictionary.size(), 2u);
}

TEST(KeyDictionaryTest, ReadersRunWhileKeysAreAdded) {
  KeyDictionary dictionary;
  constexpr int kKeys = 2000;
  std::atomic<bool> done{false};
  std::atomic<int> mismatches{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        for (int id = 1; id <= kKeys; id += 97) {
          std::optional<std::string> key = dictionary.KeyOf(id);
          // A pair is either absent or complete and right.
          if (key && (*key != "kind_" + std::to_string(id) || dictionary.IdOf(*key) != id)) {
            ++mismatches;
          }
        }
      }
    });
  }
  for (int id = 1; id <= kKeys; ++id) dictionary.Add(id, "kind_" + std::to_string(id));
  done = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(dictionary.size(), static_cast<size_t>(kKeys));
}

}  // namespace
}  // namespace credence::store
