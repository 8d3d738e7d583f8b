// Test support for the rating's tests: a small rating policy with round numbers on top of the
// default catalog, so that each expectation can be worked out by hand.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"

namespace credence::rating::testing {

// The default policy files except the default rating model (the lists policy included: rating
// rules name its lists).
inline std::vector<policy::PolicyFile> CorePolicyFiles() {
  std::vector<policy::PolicyFile> files;
  for (const char* name : {"catalog.toml", "departments.toml", "lists.toml", "publicity.toml",
                           "record_kinds.toml", "settings.toml"}) {
    std::ifstream in(std::filesystem::path(CREDENCE_SOURCE_DIR) / "policy" / name);
    files.push_back({name, std::string(std::istreambuf_iterator<char>(in), {})});
  }
  return files;
}

// Every weight a test relies on is written here, and the tests name it where they use it.
inline constexpr std::string_view kTestRatingPolicy = R"toml(
[rating_model.a_plus]
clean_years = 5
on_list = ["incentive*", "key_support*"]
clean_text = { zh = "近五年内有失信记录", en = "A negative record within five years" }
list_text = { zh = "未列入激励名单", en = "Not on an incentive list" }

[[rating_model.cap]]
key = "court_list"
on_list = ["*dishonest_debtor*"]
text = { zh = "失信被执行人，{level}级", en = "Dishonest judgment debtor: {level}" }

[[rating_model.cap]]
key = "serious_dishonesty_list"
on_list = ["serious_dishonesty*"]
text = { zh = "严重失信，{level}级", en = "Serious dishonesty: {level}" }

[[rating_model.cap]]
key = "serious_penalty_12_months"
factors = ["admin_penalty.serious"]
within_months = 12
text = { zh = "近一年严重处罚，最高{level}级", en = "Serious penalty within a year: {level} at best" }

[[rating_model.factor]]
key = "admin_penalty.minor"
kind = "admin_penalty"
tier = "minor"
decay = "linear"
text = { zh = "{date}轻微处罚（{department}）扣{points}分", en = "Minor penalty of {date} ({department}): {points} off" }

[[rating_model.factor]]
key = "admin_penalty.general"
kind = "admin_penalty"
tier = "general"
decay = "linear"
text = { zh = "{date}行政处罚（一般）扣{points}分", en = "Penalty of {date} ({department}): {points} off" }

[[rating_model.factor]]
key = "admin_penalty.serious"
kind = "admin_penalty"
tier = "serious"
decay = "linear"
text = { zh = "{date}严重处罚扣{points}分", en = "Serious penalty of {date}: {points} off" }

[[rating_model.factor]]
key = "dishonest_debtor"
kind = "dishonest_debtor"
decay = "linear"
while_listed = true
text = { zh = "{date}失信被执行人扣{points}分", en = "Dishonest debtor since {date}: {points} off" }

[[rating_model.factor]]
key = "serious_dishonesty"
kind = "serious_dishonesty"
decay = "linear"
text = { zh = "{date}严重失信扣{points}分", en = "Serious dishonesty since {date}: {points} off" }

[[rating_model.factor]]
key = "commitment.broken"
kind = "commitment"
field = "status"
value = "broken"
decay = "linear"
window_months = 36
text = { zh = "{date}承诺未履行扣{points}分", en = "Commitment of {date} broken: {points} off" }

[[rating_model.factor]]
key = "commitment.kept"
kind = "commitment"
field = "status"
value = "kept"
window_months = 36
text = { zh = "{date}承诺已履行加{points}分", en = "Commitment of {date} kept: {points} added" }

[[rating_model.factor]]
key = "contract_performance.breach"
kind = "contract_performance"
field = "extra.evaluation"
value = "breach"
window_months = 36
text = { zh = "{date}合同违约扣{points}分", en = "Contract of {date} breached: {points} off" }

[[rating_model.factor]]
key = "tax_credit_grade.A"
kind = "tax_credit_grade"
field = "grade"
value = "A"
window_months = 24
latest_only = true
include_unpublished = true
text = { zh = "纳税信用A级（{date}）加{points}分", en = "Tax grade A ({date}): {points} added" }

[[rating_model.factor]]
key = "tax_credit_grade.D"
kind = "tax_credit_grade"
field = "grade"
value = "D"
window_months = 24
latest_only = true
include_unpublished = true
text = { zh = "纳税信用D级（{date}）扣{points}分", en = "Tax grade D ({date}): {points} off" }

[[rating_model.factor]]
key = "honour"
kind = "honour"
window_months = 36
text = { zh = "{date}获得荣誉加{points}分", en = "Honour of {date}: {points} added" }

[[rating_model.factor]]
key = "years_in_operation"
feature = "years_in_operation"
text = { zh = "成立{years}年加{points}分", en = "{years} years in business: {points} added" }

[[rating_model.factor]]
key = "file.registration"
feature = "file.registration"
text = { zh = "登记信息完整加{points}分", en = "Registration on file: {points} added" }

[[rating_model.factor]]
key = "file.legal_representative"
feature = "file.legal_representative"
text = { zh = "法定代表人完整加{points}分", en = "Legal representative on file: {points} added" }

[[rating_model.factor]]
key = "file.industry"
feature = "file.industry"
text = { zh = "行业完整加{points}分", en = "Industry on file: {points} added" }

[rating_model.models.enterprise]
version = "test-enterprise-1"
name = { zh = "测试企业模型", en = "Test enterprise model" }
subject_kinds = ["enterprise"]
base = 700
min_score = 0
max_score = 1000
levels = { "A+" = 900, A = 780, B = 650, C = 500, D = 0 }
caps = { court_list = "D", serious_dishonesty_list = "D", serious_penalty_12_months = "C" }
years_in_operation = [{ min_years = 1, points = 10 }, { min_years = 5, points = 40 }]

[rating_model.models.enterprise.points]
"admin_penalty.minor" = -10
"admin_penalty.general" = -100
"admin_penalty.serious" = -120
"dishonest_debtor" = -200
"serious_dishonesty" = -300
"commitment.broken" = -50
"commitment.kept" = 10
"contract_performance.breach" = -60
"tax_credit_grade.A" = 40
"tax_credit_grade.D" = -120
"honour" = 100
"file.registration" = 15
"file.legal_representative" = 10
"file.industry" = 5

[rating_model.models.person]
version = "test-person-1"
name = { zh = "测试自然人模型", en = "Test person model" }
subject_kinds = ["person"]
base = 800
min_score = 0
max_score = 1000
levels = { "A+" = 900, A = 780, B = 650, C = 500, D = 0 }
caps = { court_list = "D" }

[rating_model.models.person.points]
"dishonest_debtor" = -250
"commitment.broken" = -30
"honour" = 40
)toml";

// The core policy with a rating policy (by default the test one) as "rating.toml", and any
// further files after it.
inline std::vector<policy::PolicyFile> PolicyWithRating(std::string_view rating = kTestRatingPolicy,
                                                        std::vector<policy::PolicyFile> more = {}) {
  std::vector<policy::PolicyFile> files = CorePolicyFiles();
  files.push_back({"rating.toml", std::string(rating)});
  for (policy::PolicyFile& file : more) files.push_back(std::move(file));
  return files;
}

// The test policy with one piece of text replaced (the piece must occur).
inline std::string Edited(std::string_view from, std::string_view to,
                          std::string_view rating = kTestRatingPolicy) {
  std::string text(rating);
  size_t at = text.find(from);
  if (at == std::string::npos) return "<edit not applied: " + std::string(from) + ">";
  text.replace(at, from.size(), to);
  return text;
}

}  // namespace credence::rating::testing
