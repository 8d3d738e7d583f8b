#include "search/search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "common/random.h"
#include "common/time.h"
#include "ids/ids.h"
#include "text/text.h"

namespace credence::search {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Adds a subject the way the rest of the system does: the name normalised first.
void Add(SubjectIndex& index, int64_t id, std::string_view code, std::string_view name,
         ids::CodeKind kind = ids::CodeKind::kUscc) {
  index.Upsert(id, code, text::NormalizeName(name), kind);
}

std::vector<int64_t> Ids(const SubjectIndex& index, std::string_view query, int64_t offset = 0,
                         int64_t limit = 20) {
  return index.Search(query, offset, limit).subject_ids;
}

// A valid USCC of an enterprise in the division `division6` whose organisation code body is
// `body8`.
std::string Uscc(std::string_view body8, std::string_view division6 = "330302") {
  return ids::CompleteUscc("91" + std::string(division6) + std::string(body8));
}
std::string Uscc(int64_t number) {
  std::string body = std::to_string(number);
  return Uscc(std::string(8 - std::min<size_t>(8, body.size()), '0') + body);
}

TEST(SubjectIndexTest, ExactCodeComesFirst) {
  SubjectIndex index;
  const std::string code = Uscc("MA2AB3C4");
  Add(index, 1, code, "温州市鹿城区东方贸易有限公司");
  Add(index, 2, Uscc("MA2AB3C5"), "东方贸易");
  // The code in lower case and with spaces, as people type it.
  std::string typed = code.substr(0, 6) + " " + code.substr(6);
  std::transform(typed.begin(), typed.end(), typed.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const SearchResult result = index.Search(typed, 0, 20);
  ASSERT_FALSE(result.subject_ids.empty());
  EXPECT_EQ(result.subject_ids[0], 1);
  EXPECT_THAT(Ids(index, "东方贸易"), ElementsAre(2, 1));
}

TEST(SubjectIndexTest, ExactCodeOutranksANameContainingIt) {
  SubjectIndex index;
  const std::string code = Uscc("MA2AB3C4");
  Add(index, 1, Uscc("MA2AB3C6"), code);  // a name that is the other subject's code
  Add(index, 2, code, "某某有限公司");
  EXPECT_THAT(Ids(index, code), ElementsAre(2, 1));
}

TEST(SubjectIndexTest, CodePrefixMatchesOnlyUnifiedSocialCreditCodes) {
  SubjectIndex index;
  const std::string first = Uscc("MA2AB3C4");
  const std::string second = Uscc("0A2AB3C4");
  Add(index, 1, first, "甲公司");
  Add(index, 2, second, "乙公司");
  Add(index, 3, Uscc("MA2AB3C4", "330303"), "丙公司");
  Add(index, 4, ids::CompleteResidentId("33030219900101123"), "张三", ids::CodeKind::kResidentId);
  // Ordered by code: "913303020A…" before "913303020M…"... both start with "91330302".
  EXPECT_THAT(Ids(index, "91330302"), ElementsAre(2, 1));
  EXPECT_THAT(Ids(index, "913303"), ElementsAre(2, 1, 3));
  // Prefixes shorter than kMinCodePrefix do not match codes.
  EXPECT_THAT(Ids(index, "91330"), IsEmpty());
  // A resident ID number is found when given in full, never by its prefix.
  EXPECT_THAT(Ids(index, "330302"), IsEmpty());
  EXPECT_THAT(Ids(index, "3303021990"), IsEmpty());
  EXPECT_THAT(Ids(index, ids::CompleteResidentId("33030219900101123")), ElementsAre(4));
}

TEST(SubjectIndexTest, CodeKindIsWorkedOutWhenNotGiven) {
  SubjectIndex index;
  index.Upsert(1, Uscc("MA2AB3C4"), text::NormalizeName("甲公司"));
  index.Upsert(2, ids::CompleteResidentId("33030219900101123"), text::NormalizeName("张三"));
  EXPECT_THAT(Ids(index, "9133030"), ElementsAre(1));
  EXPECT_THAT(Ids(index, "3303021"), IsEmpty());
}

TEST(SubjectIndexTest, ResidentsAreMatchedByNameOnlyWhenAsked) {
  SubjectIndex index;
  const std::string resident_id = ids::CompleteResidentId("33030219900101123");
  Add(index, 1, Uscc(1), "张伟五金店");
  Add(index, 2, resident_id, "张伟", ids::CodeKind::kResidentId);
  store::Subject person;
  person.id = 3;
  person.code = "A-123456";  // an unusual code: the kind says this is a person
  person.kind = ids::SubjectKind::kPerson;
  person.name_norm = text::NormalizeName("张伟");
  index.Upsert(person);

  EXPECT_THAT(Ids(index, "张伟"), ElementsAre(2, 3, 1));
  const SearchOptions public_search{.match_resident_names = false};
  EXPECT_THAT(index.Search("张伟", 0, 20, public_search).subject_ids, ElementsAre(1));
  EXPECT_EQ(index.Search("张伟", 0, 20, public_search).total, 1);
  EXPECT_THAT(index.Search("伟", 0, 20, public_search).subject_ids, ElementsAre(1));
  // The full ID number still finds its holder.
  EXPECT_THAT(index.Search(resident_id, 0, 20, public_search).subject_ids, ElementsAre(2));
  EXPECT_THAT(index.Search("A123456", 0, 20, public_search).subject_ids, ElementsAre(3));
}

TEST(SubjectIndexTest, ExactNameThenPrefixThenSubstring) {
  SubjectIndex index;
  Add(index, 1, Uscc("00000001"), "温州鹿城贸易公司");                // substring, shortest
  Add(index, 2, Uscc("00000002"), "鹿城科技发展有限责任公司");        // prefix, long
  Add(index, 3, Uscc("00000003"), "鹿城");                            // exact
  Add(index, 4, Uscc("00000004"), "鹿城贸易有限公司");                // prefix, shorter
  Add(index, 5, Uscc("00000005"), "浙江省温州市鹿城区百货有限公司");  // substring, longer
  Add(index, 6, Uscc("00000006"), "瓯海贸易有限公司");                // no match
  EXPECT_THAT(Ids(index, "鹿城"), ElementsAre(3, 4, 2, 1, 5));
}

TEST(SubjectIndexTest, TiesGoToTheShorterNameThenTheSmallerId) {
  SubjectIndex index;
  Add(index, 30, Uscc("00000030"), "东方红贸易");
  Add(index, 10, Uscc("00000010"), "东方红商贸行");
  Add(index, 20, Uscc("00000020"), "东方红商贸");
  EXPECT_THAT(Ids(index, "东方红"), ElementsAre(20, 30, 10));
}

TEST(SubjectIndexTest, FindsASubstringInTheMiddle) {
  SubjectIndex index;
  Add(index, 1, Uscc("00000001"), "温州市瓯海区明珠眼镜有限公司");
  Add(index, 2, Uscc("00000002"), "温州市瓯海区明珠服装厂");
  Add(index, 3, Uscc("00000003"), "温州市龙湾区眼镜店");
  EXPECT_THAT(Ids(index, "明珠眼镜"), ElementsAre(1));
  EXPECT_THAT(Ids(index, "眼镜"), ElementsAre(3, 1));
  // The bigrams 明珠 and 眼镜 both occur in subject 2 or 3 but not as 珠眼 together.
  EXPECT_THAT(Ids(index, "区明珠服装"), ElementsAre(2));
}

TEST(SubjectIndexTest, SingleCharacterQuery) {
  SubjectIndex index;
  Add(index, 1, Uscc("00000001"), "温州贸易");
  Add(index, 2, Uscc("00000002"), "贸");
  Add(index, 3, Uscc("00000003"), "鹿城外贸");
  Add(index, 4, Uscc("00000004"), "贸易公司");
  Add(index, 5, Uscc("00000005"), "瓯海商行");
  const SearchResult result = index.Search("贸", 0, 20);
  EXPECT_THAT(result.subject_ids, ElementsAre(2, 4, 1, 3));
  EXPECT_EQ(result.total, 4);
  // A character at the very end of a name is found too.
  EXPECT_THAT(Ids(index, "行"), ElementsAre(5));
}

TEST(SubjectIndexTest, RepeatedCharactersAreCountedOnce) {
  SubjectIndex index;
  Add(index, 1, Uscc("00000001"), "哈哈哈哈乐园");
  Add(index, 2, Uscc("00000002"), "笑哈哈");
  EXPECT_THAT(Ids(index, "哈"), ElementsAre(1, 2));
  EXPECT_THAT(Ids(index, "哈哈哈"), ElementsAre(1));
  EXPECT_EQ(index.Search("哈哈", 0, 20).total, 2);
}

TEST(SubjectIndexTest, TraditionalQueryFindsSimplifiedName) {
  SubjectIndex index;
  Add(index, 1, Uscc("00000001"), "温州贸易发展有限公司");
  EXPECT_THAT(Ids(index, "溫州貿易"), ElementsAre(1));
  EXPECT_THAT(Ids(index, "發展有限公司"), ElementsAre(1));
}

TEST(SubjectIndexTest, FullWidthAndBracketVariantsMatch) {
  SubjectIndex index;
  Add(index, 1, Uscc("00000001"), "ＡＢＣ科技（温州）有限公司");
  Add(index, 2, Uscc("00000002"), "温州 东方 贸易");
  EXPECT_THAT(Ids(index, "abc科技"), ElementsAre(1));
  EXPECT_THAT(Ids(index, "ABC科技(温州)"), ElementsAre(1));
  EXPECT_THAT(Ids(index, "【温州】有限"), ElementsAre(1));
  EXPECT_THAT(Ids(index, "[温州]"), ElementsAre(1));
  EXPECT_THAT(Ids(index, "温州东方"), ElementsAre(2));
  EXPECT_THAT(Ids(index, "東方　貿易"), ElementsAre(2));
}

TEST(SubjectIndexTest, NoMatch) {
  SubjectIndex index;
  Add(index, 1, Uscc("00000001"), "温州贸易有限公司");
  for (std::string_view query : {"杭州", "贸易温州", "温州贸易有限公司分公司", "", "   ", "x"}) {
    const SearchResult result = index.Search(query, 0, 20);
    EXPECT_THAT(result.subject_ids, IsEmpty()) << query;
    EXPECT_EQ(result.total, 0) << query;
    EXPECT_FALSE(result.total_capped) << query;
  }
  EXPECT_THAT(SubjectIndex().Search("温州", 0, 20).subject_ids, IsEmpty());
}

TEST(SubjectIndexTest, PagesFollowOneOrderAndCountEverything) {
  SubjectIndex index;
  for (int64_t id = 1; id <= 250; ++id) {
    // Lengths vary with id so that the order is not simply by id.
    Add(index, id, Uscc(id), std::string(static_cast<size_t>(id % 7), 'a') + "建设工程");
  }
  std::vector<int64_t> all;
  for (int64_t offset = 0; offset < 300; offset += 100) {
    const SearchResult page = index.Search("建设", offset, 100);
    EXPECT_EQ(page.total, 250);
    EXPECT_FALSE(page.total_capped);
    all.insert(all.end(), page.subject_ids.begin(), page.subject_ids.end());
  }
  ASSERT_EQ(all.size(), 250u);
  // Names of length 4 (id % 7 == 0) are prefix matches and come first; then by length and id.
  std::vector<int64_t> expected(250);
  for (int64_t id = 1; id <= 250; ++id) expected[id - 1] = id;
  std::stable_sort(expected.begin(), expected.end(),
                   [](int64_t a, int64_t b) { return a % 7 < b % 7; });
  EXPECT_EQ(all, expected);

  EXPECT_EQ(index.Search("建设", 0, 1000).subject_ids.size(), 100u);  // limit is capped
  EXPECT_EQ(index.Search("建设", -5, 3).subject_ids,
            (std::vector<int64_t>(all.begin(), all.begin() + 3)));
  EXPECT_THAT(index.Search("建设", 0, 0).subject_ids, IsEmpty());
  EXPECT_EQ(index.Search("建设", 0, 0).total, 250);
}

TEST(SubjectIndexTest, RenameForgetsTheOldName) {
  SubjectIndex index;
  Add(index, 7, Uscc("00000007"), "温州甲乙贸易有限公司");
  Add(index, 8, Uscc("00000008"), "温州丙丁贸易有限公司");
  Add(index, 7, Uscc("00000007"), "温州戊己科技有限公司");
  EXPECT_THAT(Ids(index, "甲乙"), IsEmpty());
  EXPECT_THAT(Ids(index, "戊己"), ElementsAre(7));
  EXPECT_THAT(Ids(index, "温州"), ElementsAre(7, 8));
  EXPECT_EQ(index.size(), 2u);
  // A new code replaces the old one too.
  Add(index, 7, Uscc("00000070"), "温州戊己科技有限公司");
  EXPECT_THAT(Ids(index, Uscc("00000007")), IsEmpty());
  EXPECT_THAT(Ids(index, Uscc("00000070")), ElementsAre(7));
  EXPECT_EQ(index.Search("温州", 0, 20).total, 2);
}

TEST(SubjectIndexTest, ManyNamesSharingCommonGrams) {
  SubjectIndex index;
  SeededRandom random(42);
  const std::vector<std::string> syllables = {"华", "龙", "鑫", "达", "兴", "盛", "源", "泰",
                                              "瑞", "丰", "恒", "通", "宏", "昌", "利", "德"};
  const int64_t kSubjects = 30000;
  std::map<int64_t, size_t> syllables_of;
  for (int64_t id = 1; id <= kSubjects; ++id) {
    std::string name = "温州";
    const size_t length = static_cast<size_t>(random.Range(2, 5));
    for (size_t i = 0; i < length; ++i) name += syllables[random.Uniform(syllables.size())];
    name += id % 3 == 0 ? "贸易有限公司" : "科技有限公司";
    syllables_of[id] = length;
    Add(index, id, Uscc(id), name);
  }
  Add(index, kSubjects + 1, Uscc(99999999), "有限公司");

  const SearchResult result = index.Search("有限公司", 0, 20);
  EXPECT_EQ(result.total, SubjectIndex::kMaxCounted);
  EXPECT_TRUE(result.total_capped);
  ASSERT_EQ(result.subject_ids.size(), 20u);
  EXPECT_EQ(result.subject_ids[0], kSubjects + 1);  // the exact name
  // Then the shortest names (two syllables), smallest ids first.
  std::vector<int64_t> expected = {kSubjects + 1};
  for (int64_t id = 1; expected.size() < 20; ++id) {
    if (syllables_of[id] == 2) expected.push_back(id);
  }
  EXPECT_EQ(result.subject_ids, expected);

  // Every name starts with 温州, so a rare word after it is found among 30,000 prefix
  // candidates, and a prefix match outranks a shorter substring match.
  Add(index, kSubjects + 2, Uscc(99999998), "温州瓯江口开发");
  Add(index, kSubjects + 3, Uscc(99999997), "瓯江口");
  Add(index, kSubjects + 4, Uscc(99999996), "乐清瓯江口");
  EXPECT_THAT(Ids(index, "温州瓯江"), ElementsAre(kSubjects + 2));
  EXPECT_THAT(Ids(index, "瓯江口"), ElementsAre(kSubjects + 3, kSubjects + 4, kSubjects + 2));
  EXPECT_THAT(Ids(index, "口开"), ElementsAre(kSubjects + 2));

  // Deep pages stay within the counted matches.
  EXPECT_EQ(index.Search("温州", SubjectIndex::kMaxCounted - 5, 100).subject_ids.size(), 5u);
  EXPECT_THAT(index.Search("温州", SubjectIndex::kMaxCounted, 100).subject_ids, IsEmpty());
}

// The ranking rules written out the slow way, to check the index against.
struct ModelSubject {
  std::string code;
  std::string name_norm;
  bool uscc = false;
};

SearchResult ReferenceSearch(const std::map<int64_t, ModelSubject>& subjects,
                             std::string_view query, int64_t offset, int64_t limit,
                             bool match_resident_names) {
  const std::string name_query = text::NormalizeName(query);
  const std::string code_query = ids::NormalizeCode(query);
  const bool code_ascii = !code_query.empty() &&
                          std::all_of(code_query.begin(), code_query.end(),
                                      [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  const bool code_prefix = code_ascii && code_query.size() >= SubjectIndex::kMinCodePrefix &&
                           std::all_of(code_query.begin(), code_query.end(), [](char c) {
                             return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
                           });
  // (tier, code for tier 1, name length for tiers 2-3, id)
  std::vector<std::tuple<int, std::string, size_t, int64_t>> matches;
  for (const auto& [id, subject] : subjects) {
    const size_t length = text::CodePoints(subject.name_norm).size();
    // In the model every code that is not a USCC is a resident ID number.
    const bool resident = !subject.uscc;
    if (code_ascii && subject.code == code_query) {
      matches.emplace_back(0, "", 0, id);
    } else if (resident && !match_resident_names) {
      continue;
    } else if (code_prefix && subject.uscc && subject.code.starts_with(code_query)) {
      matches.emplace_back(1, subject.code, 0, id);
    } else if (!name_query.empty() && subject.name_norm.starts_with(name_query)) {
      matches.emplace_back(2, "", length, id);
    } else if (!name_query.empty() && subject.name_norm.find(name_query) != std::string::npos) {
      matches.emplace_back(3, "", length, id);
    }
  }
  std::sort(matches.begin(), matches.end());
  SearchResult result;
  const int64_t counted = std::min<int64_t>(matches.size(), SubjectIndex::kMaxCounted);
  result.total = counted;
  result.total_capped = static_cast<int64_t>(matches.size()) > SubjectIndex::kMaxCounted;
  for (int64_t i = offset; i < std::min(offset + limit, counted); ++i) {
    result.subject_ids.push_back(std::get<3>(matches[i]));
  }
  return result;
}

// Random names over a small alphabet (so that grams repeat a lot), random renames and code
// changes, enough updates to compact the index twice; compared with ReferenceSearch with
// everything in the delta segment, then after each compaction.
TEST(SubjectIndexTest, AgreesWithTheRankingRulesThroughUpdatesAndCompactions) {
  SubjectIndex index;
  SeededRandom random(7);
  const std::vector<std::string> alphabet = {"华", "龙", "鑫", "达", "兴", "盛", "a", "公", "司"};
  const std::string code_alphabet = "0123456789AB";
  auto random_name = [&] {
    std::string name;
    const int64_t length = random.Range(1, 7);
    for (int64_t i = 0; i < length; ++i) name += alphabet[random.Uniform(alphabet.size())];
    return name;
  };
  auto random_code = [&] {
    std::string code = "9133";
    while (code.size() < 18) code += code_alphabet[random.Uniform(code_alphabet.size())];
    return code;
  };
  std::map<int64_t, ModelSubject> model;
  const int64_t kIds = 24000;

  auto check = [&](std::string_view stage) {
    ASSERT_EQ(index.size(), model.size()) << stage;
    for (int round = 0; round < 150; ++round) {
      std::string query;
      const uint64_t kind = random.Uniform(4);
      if (kind == 3) {
        const ModelSubject& some = model.begin()->second;
        auto it = model.lower_bound(random.Range(1, kIds));
        const std::string& code = (it == model.end() ? some : it->second).code;
        query = code.substr(0, static_cast<size_t>(random.Range(4, 18)));
      } else {
        const int64_t length = random.Range(1, 3);
        for (int64_t i = 0; i < length; ++i) query += alphabet[random.Uniform(alphabet.size())];
      }
      const int64_t offset = random.Chance(0.2) ? random.Range(9900, 10050) : random.Range(0, 40);
      const int64_t limit = random.Range(1, 100);
      const bool residents = random.Chance(0.7);
      const SearchResult expected = ReferenceSearch(model, query, offset, limit, residents);
      const SearchResult actual =
          index.Search(query, offset, limit, {.match_resident_names = residents});
      ASSERT_EQ(actual.subject_ids, expected.subject_ids)
          << stage << ": " << query << " offset " << offset << " limit " << limit << " residents "
          << residents;
      ASSERT_EQ(actual.total, expected.total) << stage << ": " << query;
      ASSERT_EQ(actual.total_capped, expected.total_capped) << stage << ": " << query;
    }
  };

  auto upsert = [&](int64_t id) {
    ModelSubject& subject = model[id];
    if (subject.code.empty() || random.Chance(0.1)) {
      subject.code = random_code();
      subject.uscc = random.Chance(0.7);
    }
    subject.name_norm = text::NormalizeName(random_name());
    index.Upsert(id, subject.code, subject.name_norm,
                 subject.uscc ? ids::CodeKind::kUscc : ids::CodeKind::kResidentId);
  };

  for (int64_t i = 0; i < 12000; ++i) upsert(random.Range(1, kIds));
  check("delta only");
  for (int64_t i = 0; i < 12000; ++i) upsert(random.Range(1, kIds));
  check("after one compaction");
  for (int64_t i = 0; i < 30000; ++i) upsert(random.Range(1, kIds));
  check("after more compactions");
}

// Searches running while another thread adds and renames subjects (through compactions) see a
// consistent index: a subject that never changes is always found, pages hold no duplicates.
TEST(SubjectIndexTest, SearchesDuringUpdatesSeeAConsistentIndex) {
  SubjectIndex index;
  Add(index, 1, Uscc(1), "永恒不变科技有限公司");
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    SeededRandom random(3);
    const int64_t subjects = static_cast<int64_t>(SubjectIndex::kMinCompaction) + 100;
    for (int64_t i = 0; i < 2 * subjects; ++i) {
      // New subjects first, enough for a compaction, then renames for another one.
      const int64_t id = i < subjects ? i + 2 : random.Range(2, subjects + 1);
      Add(index, id, Uscc(id), "永恒" + std::to_string(random.Uniform(1000)) + "科技有限公司");
    }
    writing = false;
  });
  int64_t searches = 0;
  while (writing || searches == 0) {
    ASSERT_THAT(Ids(index, "永恒不变"), ElementsAre(1));
    const SearchResult page = index.Search("永恒", 0, 100);
    std::vector<int64_t> ids = page.subject_ids;
    std::sort(ids.begin(), ids.end());
    ASSERT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
    ASSERT_GE(page.total, static_cast<int64_t>(page.subject_ids.size()));
    ++searches;
  }
  writer.join();
  EXPECT_GT(index.size(), SubjectIndex::kMinCompaction);
}

class SubjectIndexStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("credence_search_test_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Result<std::unique_ptr<store::Store>> opened =
        store::Store::Open("sqlite:" + (dir_ / "credence.db").string());
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
  }

  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  store::Subject MakeSubject(std::string code, ids::CodeKind code_kind, std::string name,
                             ids::SubjectKind kind) {
    store::Subject subject;
    subject.code = std::move(code);
    subject.code_kind = code_kind;
    subject.name_norm = text::NormalizeName(name);
    subject.name = std::move(name);
    subject.kind = kind;
    subject.region = "330302";
    subject.created_at = Timestamp::FromSeconds(1'763'769'600);
    subject.updated_at = subject.created_at;
    return subject;
  }

  // Inserts the subjects in one transaction and sets their ids.
  void Insert(std::vector<store::Subject>& subjects) {
    Result<std::unique_ptr<store::WriteTxn>> txn = store_->BeginWrite();
    ASSERT_TRUE(txn) << txn.error().ToString();
    for (store::Subject& subject : subjects) {
      Status inserted = (*txn)->InsertSubject(subject);
      ASSERT_TRUE(inserted) << inserted.error().ToString();
    }
    Status committed = (*txn)->Commit();
    ASSERT_TRUE(committed) << committed.error().ToString();
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(SubjectIndexStoreTest, LoadsEverySubjectInChunks) {
  std::vector<store::Subject> subjects;
  for (int64_t i = 1; i <= 40; ++i) {
    subjects.push_back(MakeSubject(Uscc(i), ids::CodeKind::kUscc,
                                   "温州" + std::to_string(i) + "号贸易有限公司",
                                   ids::SubjectKind::kEnterprise));
  }
  const std::string resident_id = ids::CompleteResidentId("33030219900101123");
  subjects.push_back(
      MakeSubject(resident_id, ids::CodeKind::kResidentId, "温州贸易", ids::SubjectKind::kPerson));
  Insert(subjects);
  ASSERT_FALSE(HasFatalFailure());

  SubjectIndex index;
  Add(index, 999999, Uscc(999999), "旧的名字");  // replaced by the load
  ASSERT_TRUE(index.Load(*store_, /*chunk_size=*/7));
  EXPECT_EQ(index.size(), subjects.size());
  EXPECT_THAT(Ids(index, "旧的"), IsEmpty());

  // Every subject is found by its code, including the last of a chunk.
  for (const store::Subject& subject : subjects) {
    EXPECT_THAT(Ids(index, subject.code), ElementsAre(subject.id)) << subject.code;
  }
  EXPECT_EQ(index.Search("贸易有限公司", 0, 20).total, 40);
  // The resident is matched by name only when residents are asked for.
  EXPECT_EQ(Ids(index, "温州贸易").front(), subjects.back().id);
  EXPECT_EQ(index.Search("温州贸易", 0, 20, {.match_resident_names = false}).total, 0);
  EXPECT_THAT(index.Search(resident_id, 0, 20, {.match_resident_names = false}).subject_ids,
              ElementsAre(subjects.back().id));

  // A rename written to the store reaches the index through Upsert(subject).
  store::Subject renamed = subjects[0];
  renamed.name = "瓯海眼镜有限公司";
  renamed.name_norm = text::NormalizeName(renamed.name);
  {
    Result<std::unique_ptr<store::WriteTxn>> txn = store_->BeginWrite();
    ASSERT_TRUE(txn);
    ASSERT_TRUE((*txn)->UpdateSubject(renamed));
    ASSERT_TRUE((*txn)->Commit());
  }
  Result<std::optional<store::Subject>> stored = store_->GetSubject(renamed.id);
  ASSERT_TRUE(stored && stored->has_value());
  index.Upsert(**stored);
  EXPECT_THAT(Ids(index, "瓯海眼镜"), ElementsAre(renamed.id));
  EXPECT_EQ(index.Search("贸易有限公司", 0, 20).total, 39);

  // Loading again gives the same index.
  ASSERT_TRUE(index.Load(*store_));
  EXPECT_EQ(index.size(), subjects.size());
  EXPECT_THAT(Ids(index, "瓯海眼镜"), ElementsAre(renamed.id));
  EXPECT_FALSE(index.Load(*store_, 0));
}

}  // namespace
}  // namespace credence::search
