// Stored ratings: re-rating subjects after an ingest and rating every subject in bulk, with
// the ratings written through the store.
#include <algorithm>
#include <limits>
#include <mutex>

#include "common/hash.h"
#include "rating/rating.h"

namespace credence::rating {

namespace {

// Subjects per write transaction: short enough that an ingest waiting for the writer is not
// held up for long (about 0.1 s each).
constexpr size_t kRatingsPerTransaction = 10000;

Result<int64_t> PutInTransactions(store::Store& store,
                                  std::span<const store::StoredRating> ratings) {
  int64_t changed = 0;
  for (size_t start = 0; start < ratings.size(); start += kRatingsPerTransaction) {
    size_t count = std::min(kRatingsPerTransaction, ratings.size() - start);
    CREDENCE_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteTxn> txn, store.BeginWrite());
    CREDENCE_ASSIGN_OR_RETURN(int64_t written, txn->PutRatings(ratings.subspan(start, count)));
    CREDENCE_RETURN_IF_ERROR(txn->Commit());
    changed += written;
  }
  return changed;
}

}  // namespace

store::StoredRating ToStoredRating(int64_t subject_id, const Rating& rating, std::string json,
                                   std::span<const std::string_view> public_lists) {
  store::StoredRating stored;
  stored.subject_id = subject_id;
  stored.score = rating.score;
  stored.level = std::string(LevelKey(rating.level));
  stored.model_version = rating.model != nullptr ? rating.model->version() : "";
  stored.as_of = rating.as_of;
  stored.digest = HexEncode(Sha256(json));
  stored.json = std::move(json);
  stored.lists.assign(public_lists.begin(), public_lists.end());
  return stored;
}

Result<std::vector<store::Record>> LoadSubjectRecords(store::Store& store, int64_t subject_id) {
  std::vector<store::Record> records;
  store::RecordQuery query;
  query.subject_id = subject_id;
  query.limit = 1000;
  for (;;) {
    CREDENCE_ASSIGN_OR_RETURN(store::Page<store::Record> page, store.ListRecords(query));
    int64_t got = static_cast<int64_t>(page.items.size());
    for (store::Record& record : page.items) records.push_back(std::move(record));
    query.offset += got;
    if (got == 0 || query.offset >= page.total) break;
  }
  return records;
}

struct RatingUpdater::State {
  State(const policy::Catalog& catalog, const RatingModels& models, const lists::ListCatalog& lists)
      : catalog(catalog), models(models), lists(lists), rater(catalog, models, lists) {}
  const policy::Catalog& catalog;
  const RatingModels& models;
  const lists::ListCatalog& lists;
  std::mutex mutex;
  SubjectRater rater;
  Rating rating;
};

RatingUpdater::RatingUpdater(store::Store& store, const policy::Catalog& catalog,
                             const RatingModels& models, const lists::ListCatalog& lists)
    : store_(store), state_(std::make_unique<State>(catalog, models, lists)) {}

RatingUpdater::~RatingUpdater() = default;

Result<RerateCounts> RatingUpdater::Rerate(std::span<const int64_t> subject_ids, Date as_of) {
  std::vector<int64_t> ids(subject_ids.begin(), subject_ids.end());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::lock_guard<std::mutex> lock(state_->mutex);
  RerateCounts counts;
  CREDENCE_ASSIGN_OR_RETURN(std::vector<store::Subject> subjects, store_.GetSubjects(ids));
  counts.subjects = static_cast<int64_t>(subjects.size());
  std::vector<store::StoredRating> stored;
  for (const store::Subject& subject : subjects) {
    CREDENCE_ASSIGN_OR_RETURN(std::vector<store::Record> records,
                              LoadSubjectRecords(store_, subject.id));
    if (!state_->rater.Rate(subject, records, as_of, state_->rating)) continue;
    stored.push_back(ToStoredRating(subject.id, state_->rating, RatingJson(state_->rating),
                                    state_->rater.public_lists()));
  }
  counts.rated = static_cast<int64_t>(stored.size());
  CREDENCE_ASSIGN_OR_RETURN(counts.changed, PutInTransactions(store_, stored));
  return counts;
}

Result<BulkRatingResult> RatingUpdater::RerateAll(Date as_of) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return RateAll(store_, state_->catalog, state_->models, state_->lists, as_of, true);
}

Result<BulkRatingResult> RateAll(store::Store& store, const policy::Catalog& catalog,
                                 const RatingModels& models, const lists::ListCatalog& lists,
                                 Date as_of, bool store_ratings) {
  BulkRatingResult result;
  std::vector<store::Subject> subjects;
  CREDENCE_RETURN_IF_ERROR(store.ScanSubjects(
      0, -1, [&](const store::Subject& subject) { subjects.push_back(subject); }));
  SubjectRater rater(catalog, models, lists);
  Rating rating;
  std::vector<store::StoredRating> rated;  // in subject id order
  rated.reserve(subjects.size());
  size_t next_subject = 0;
  std::vector<store::Record> records;
  // Rates every subject before `until_id` (exclusive) with the records gathered so far, which
  // belong to the last of them.
  auto rate_up_to = [&](int64_t until_id) {
    while (next_subject < subjects.size() && subjects[next_subject].id < until_id) {
      const store::Subject& subject = subjects[next_subject++];
      std::span<const store::Record> own;
      if (!records.empty() && records.front().subject_id == subject.id) own = records;
      if (rater.Rate(subject, own, as_of, rating)) {
        ++result.per_level[static_cast<int>(rating.level)];
        rated.push_back(
            ToStoredRating(subject.id, rating, RatingJson(rating), rater.public_lists()));
      }
    }
  };
  CREDENCE_RETURN_IF_ERROR(store.ScanRecordsBySubject([&](const store::Record& record) -> Status {
    ++result.records;
    if (!records.empty() && records.front().subject_id != record.subject_id) {
      rate_up_to(records.front().subject_id + 1);
      records.clear();
    }
    if (records.empty()) rate_up_to(record.subject_id);
    records.push_back(record);
    return OkStatus();
  }));
  rate_up_to(std::numeric_limits<int64_t>::max());
  result.subjects = static_cast<int64_t>(rated.size());

  // The digest reads the ratings in code order; subjects and rated are both in id order.
  {
    size_t s = 0;
    std::vector<std::pair<std::string_view, uint32_t>> codes;
    codes.reserve(rated.size());
    for (uint32_t i = 0; i < rated.size(); ++i) {
      while (subjects[s].id != rated[i].subject_id) ++s;
      codes.emplace_back(subjects[s].code, i);
    }
    std::sort(codes.begin(), codes.end());
    RatingDigest digest;
    for (const auto& [code, index] : codes) digest.Add(code, rated[index].json);
    result.digest = digest.Hex();
  }
  if (store_ratings) {
    CREDENCE_ASSIGN_OR_RETURN(result.changed, PutInTransactions(store, rated));
  }
  return result;
}

}  // namespace credence::rating
