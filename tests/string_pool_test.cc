#include "app/string_pool.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace oitwatch {
namespace {

TEST(StringPoolTest, SameStringSameIdOtherStringOtherId) {
  StringPool pool;
  const uint32_t a = pool.Intern("http://h/a");
  const uint32_t b = pool.Intern("http://h/b");
  EXPECT_NE(a, b);
  EXPECT_EQ(pool.Intern(std::string("http://h/a")), a);
  EXPECT_EQ(pool.Find("http://h/b"), b);
  EXPECT_EQ(pool.Get(a), "http://h/a");
  EXPECT_EQ(pool.size(), 2u);
}

TEST(StringPoolTest, FindDoesNotAdd) {
  StringPool pool;
  EXPECT_EQ(pool.Find("x"), StringPool::kNone);
  pool.Intern("y");
  EXPECT_EQ(pool.Find("x"), StringPool::kNone);
  EXPECT_EQ(pool.size(), 1u);
}

TEST(StringPoolTest, EmptyStringsAndBytesRoundTrip) {
  StringPool pool;
  const std::string zero("a\0b\n\xE0\xB8\x81", 7);
  const uint32_t empty = pool.Intern("");
  const uint32_t z = pool.Intern(zero);
  EXPECT_EQ(pool.Get(empty), "");
  EXPECT_EQ(pool.Get(z), zero);
  EXPECT_EQ(pool.Find(""), empty);
  EXPECT_NE(pool.Find(std::string_view("a", 1)), z);
}

// Views stay valid as the pool grows past many chunks and rehashes, and a
// string longer than a chunk is kept whole.
TEST(StringPoolTest, ViewsSurviveGrowthAndLongStrings) {
  StringPool pool;
  const std::string long_text(200 * 1024, 'x');
  const uint32_t long_id = pool.Intern(long_text);
  const std::string_view first = pool.Get(pool.Intern("first"));
  std::vector<uint32_t> ids;
  for (int i = 0; i < 50000; ++i) {
    ids.push_back(pool.Intern("http://h/page-" + std::to_string(i) + ".html"));
  }
  EXPECT_EQ(first, "first");
  EXPECT_EQ(pool.Get(long_id), long_text);
  for (int i = 0; i < 50000; i += 997) {
    const std::string url = "http://h/page-" + std::to_string(i) + ".html";
    EXPECT_EQ(pool.Get(ids[i]), url);
    EXPECT_EQ(pool.Find(url), ids[i]);
  }
  EXPECT_EQ(pool.size(), 50002u);
}

}  // namespace
}  // namespace oitwatch
