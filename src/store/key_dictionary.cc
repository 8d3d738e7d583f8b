#include "store/key_dictionary.h"

#include <mutex>

namespace credence::store {

std::optional<int64_t> KeyDictionary::IdOf(std::string_view key) const {
  std::shared_lock lock(mutex_);
  auto it = ids_.find(key);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> KeyDictionary::KeyOf(int64_t id) const {
  std::shared_lock lock(mutex_);
  auto it = keys_.find(id);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

void KeyDictionary::Add(int64_t id, std::string_view key) {
  std::unique_lock lock(mutex_);
  ids_.insert_or_assign(std::string(key), id);
  keys_.insert_or_assign(id, std::string(key));
}

size_t KeyDictionary::size() const {
  std::shared_lock lock(mutex_);
  return ids_.size();
}

}  // namespace credence::store
