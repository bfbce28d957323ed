#include "app/facts_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace oitwatch {
namespace {

UrlFacts Sample(const std::string& url) {
  UrlFacts f;
  f.url = url;
  f.kind = UrlKind::kDocument;
  f.fetched = true;
  f.ok = true;
  f.http_status = 200;
  f.outcome = "ok";
  f.error = "PDF unreadable: เสีย";
  f.found_on = "http://h/laksi/";
  f.placeholder = true;
  f.needs_review = true;
  f.unreadable = true;
  f.last_modified = "Sat, 21 Nov 2026 21:08:35 GMT";
  f.dates.push_back(DateFact{Field::kLinkText, "link_text", 2568, 2568, 3, 5,
                             true, "5 มีนาคม 2568", url});
  f.dates.push_back(DateFact{Field::kDocText, "pdf_meta", 2567, 2567, 0, 0,
                             false, "", ""});
  return f;
}

void ExpectSame(const UrlFacts& a, const UrlFacts& b) {
  EXPECT_EQ(a.url, b.url);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.fetched, b.fetched);
  EXPECT_EQ(a.ok, b.ok);
  EXPECT_EQ(a.http_status, b.http_status);
  EXPECT_EQ(a.outcome, b.outcome);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.found_on, b.found_on);
  EXPECT_EQ(a.placeholder, b.placeholder);
  EXPECT_EQ(a.needs_review, b.needs_review);
  EXPECT_EQ(a.unreadable, b.unreadable);
  EXPECT_EQ(a.last_modified, b.last_modified);
  ASSERT_EQ(a.dates.size(), b.dates.size());
  for (size_t i = 0; i < a.dates.size(); ++i) {
    const DateFact& x = a.dates[i];
    const DateFact& y = b.dates[i];
    EXPECT_EQ(x.field, y.field);
    EXPECT_EQ(x.source, y.source);
    EXPECT_EQ(x.fiscal_year, y.fiscal_year);
    EXPECT_EQ(x.year_be, y.year_be);
    EXPECT_EQ(x.month, y.month);
    EXPECT_EQ(x.day, y.day);
    EXPECT_EQ(x.fiscal_marker, y.fiscal_marker);
    EXPECT_EQ(x.text, y.text);
    EXPECT_EQ(x.url, y.url);
  }
}

TEST(FactsTableTest, FactsComeBackAsTheyWereAfterSeal) {
  SitePools pools;
  FactsTable facts(&pools);
  const UrlFacts want = Sample("http://h/laksi/a.pdf");
  auto [it, inserted] = facts.try_emplace(want.url);
  EXPECT_TRUE(inserted);
  it->second = want;
  facts.Seal();
  UrlFacts got;
  ASSERT_TRUE(facts.Get(want.url, &got));
  ExpectSame(got, want);
  EXPECT_FALSE(facts.Get("http://h/laksi/other", &got));
}

TEST(FactsTableTest, AKnownUrlOpensWithItsFactsAndIsNotNew) {
  SitePools pools;
  FactsTable facts(&pools);
  const UrlFacts want = Sample("http://h/laksi/a.pdf");
  facts[want.url] = want;
  EXPECT_FALSE(facts.try_emplace(want.url).second);  // open: same entry
  facts.Seal();
  auto [it, inserted] = facts.try_emplace(want.url);  // sealed: unpacked
  EXPECT_FALSE(inserted);
  ExpectSame(it->second, want);
  it->second.dates.push_back(DateFact{});  // changes count once sealed
  it->second.ok = false;
  facts.Seal();
  UrlFacts got;
  ASSERT_TRUE(facts.Get(want.url, &got));
  EXPECT_FALSE(got.ok);
  EXPECT_EQ(got.dates.size(), 3u);
}

TEST(FactsTableTest, OpenReferencesStayValidUntilSeal) {
  SitePools pools;
  FactsTable facts(&pools);
  UrlFacts& first = facts["http://h/first"];
  first.http_status = 404;
  for (int i = 0; i < 1000; ++i) facts["http://h/p" + std::to_string(i)];
  EXPECT_EQ(first.http_status, 404);
  UrlFacts got;
  ASSERT_TRUE(facts.Get("http://h/first", &got));  // open: read as is
  EXPECT_EQ(got.http_status, 404);
}

TEST(FactsTableTest, OkPagesCountsFetchedHtmlPagesOnly) {
  SitePools pools;
  FactsTable facts(&pools);
  facts["http://h/a"].ok = true;  // a page
  facts["http://h/b"].ok = false;
  UrlFacts& doc = facts["http://h/c.pdf"];
  doc.ok = true;
  doc.kind = UrlKind::kDocument;
  EXPECT_EQ(facts.OkPages(), 1u);
  facts.Seal();
  facts["http://h/d"].ok = true;  // open
  EXPECT_EQ(facts.OkPages(), 2u);
}

TEST(HitListTest, HitsComeBackInOrder) {
  SitePools pools;
  HitList hits(&pools);
  const Hit a{"O1", "structure", "http://h/a", "http://h/", Field::kTitle,
              "โครงสร้าง", 12};
  const Hit b{"O15", "announcements", "http://h/b", "", Field::kUrl, "procure",
              469};
  hits.push_back(a);
  hits.push_back(b);
  hits.push_back(a);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits.item_id(1), "O15");
  const std::vector<Hit> got = hits.Unpack();
  ASSERT_EQ(got.size(), 3u);
  const Hit want[] = {a, b, a};
  for (size_t i = 0; i < got.size(); ++i) {
    const Hit& g = got[i];
    const Hit& w = want[i];
    EXPECT_EQ(g.item_id, w.item_id);
    EXPECT_EQ(g.component_id, w.component_id);
    EXPECT_EQ(g.url, w.url);
    EXPECT_EQ(g.found_on, w.found_on);
    EXPECT_EQ(g.field, w.field);
    EXPECT_EQ(g.matched, w.matched);
    EXPECT_EQ(g.pattern_line, w.pattern_line);
  }
}

// Keys are told apart as the strings are, whatever '\n's they hold.
TEST(HitKeySetTest, DistinctStringsAreDistinctKeys) {
  SitePools pools;
  HitKeySet keys(&pools);
  const std::vector<std::string> distinct = {
      "http://h/a\nO1\nc\ntitle", "http://h/a\nO1\nc\nurl",
      "http://h/a\nO1\nd\ntitle", "http://h/b\nO1\nc\ntitle",
      "x\nhttp://h/a\nO1\nc\ntitle", "http://h/a\nO1\nc", "http://h/a",
      "", "\n\n\n", "\n\n"};
  for (const std::string& k : distinct) EXPECT_TRUE(keys.insert(k).second) << k;
  for (const std::string& k : distinct) EXPECT_FALSE(keys.insert(k).second) << k;
}

TEST(UrlSetTest, CountsWhatWasInserted) {
  SitePools pools;
  UrlSet urls(&pools);
  pools.urls.Intern("http://h/known-but-not-in");
  EXPECT_TRUE(urls.insert("http://h/a").second);
  EXPECT_FALSE(urls.insert("http://h/a").second);
  EXPECT_EQ(urls.count("http://h/a"), 1u);
  EXPECT_EQ(urls.count("http://h/known-but-not-in"), 0u);
  EXPECT_EQ(urls.count("http://h/never"), 0u);
}

TEST(LinkMemoMapTest, RemembersEachUrlAndTextPair) {
  SitePools pools;
  LinkMemoMap memos(&pools);
  EXPECT_EQ(memos.count("http://h/a\nแผน 2568"), 0u);
  EXPECT_TRUE(memos.emplace("http://h/a\nแผน 2568", LinkMemo{true, false, false})
                  .second);
  EXPECT_EQ(memos.count("http://h/a\nแผน 2568"), 1u);
  EXPECT_EQ(memos.count("http://h/a\nแผน 2567"), 0u);
  EXPECT_EQ(memos.count("http://h/b\nแผน 2568"), 0u);
  // No '\n', an empty text and a text with '\n' are all their own keys.
  for (const std::string k :
       {"http://h/a", "http://h/a\n", "http://h/a\nx\ny"}) {
    EXPECT_EQ(memos.count(k), 0u) << k;
    EXPECT_TRUE(memos.emplace(k, LinkMemo{}).second) << k;
    EXPECT_EQ(memos.count(k), 1u) << k;
  }
  EXPECT_FALSE(memos.emplace("http://h/a\nแผน 2568", LinkMemo{}).second);
}

}  // namespace
}  // namespace oitwatch
