// A page's body dates stored as one page_dates row (storage/dates_blob.h,
// schema v9): the encoding round-trips every field in order, a corrupt or
// truncated blob is refused with a clear error (never read past its end),
// and a version 8 database's body url_dates rows migrate to the same dates
// in the same order, carry-over references included, while the dates of
// link texts and URLs stay rows.
#include "storage/dates_blob.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "storage/schema.h"
#include "storage/store.h"
#include "tests/test_store.h"

namespace oitwatch {
namespace {

DateFact Date(Field field, const std::string& source, const std::string& text,
              int fiscal_year, int year_be, int month, int day, bool marker) {
  DateFact d;
  d.field = field;
  d.source = source;
  d.text = text;
  d.fiscal_year = fiscal_year;
  d.year_be = year_be;
  d.month = month;
  d.day = day;
  d.fiscal_marker = marker;
  return d;
}

std::string Show(const DateFact& d) {
  return std::string(FieldName(d.field)) + "|" + d.source + "|" + d.text +
         "|" + std::to_string(d.fiscal_year) + "|" + std::to_string(d.year_be) +
         "|" + std::to_string(d.month) + "|" + std::to_string(d.day) + "|" +
         (d.fiscal_marker ? "fy" : "-") + "|" + d.url;
}

std::vector<std::string> Shown(const std::vector<DateFact>& dates) {
  std::vector<std::string> out;
  for (const DateFact& d : dates) out.push_back(Show(d));
  return out;
}

// Decodes from a heap copy of exactly blob.size() bytes, so that a read past
// the end touches memory the sanitizer build flags.
bool DecodeExact(const std::string& blob, std::vector<DateFact>* dates,
                 std::string* err) {
  std::unique_ptr<char[]> copy(new char[blob.size() + (blob.empty() ? 1 : 0)]);
  std::copy(blob.begin(), blob.end(), copy.get());
  return DecodeDates(std::string_view(copy.get(), blob.size()),
                     "https://laksi.go.th/ita", dates, err);
}

const std::vector<DateFact> kPage = {
    Date(Field::kTitle, "title", "พ.ศ. 2568", 2568, 2568, 0, 0, true),
    Date(Field::kHeadings, "headings", "ปีงบประมาณ 2568", 2568, 0, 0, 0, true),
    Date(Field::kPageText, "page_text", "1 ต.ค. 67", 2568, 2567, 10, 1, false),
    Date(Field::kDocText, "pdf_meta", "", 0, 0, 0, 0, false),
    Date(Field::kPageText, "page_text", std::string("nul\0\xff", 5), -1,
         -2147483647 - 1, 2147483647, 31, false)};

TEST(DatesBlobTest, RoundTripsEveryFieldInOrderWithThePagesUrl) {
  for (const std::vector<DateFact>& dates :
       {std::vector<DateFact>{}, kPage,
        std::vector<DateFact>{kPage[2], kPage[2], kPage[0]}}) {
    std::vector<DateFact> back = {kPage[0]};  // replaced, not appended to
    std::string err;
    ASSERT_TRUE(DecodeExact(EncodeDates(dates), &back, &err)) << err;
    std::vector<DateFact> want = dates;
    for (DateFact& d : want) d.url = "https://laksi.go.th/ita";
    EXPECT_EQ(Shown(back), Shown(want));
  }
}

TEST(DatesBlobTest, EveryTruncationAndCorruptionIsRefusedWithAClearError) {
  const std::string blob = EncodeDates(kPage);
  for (size_t n = 0; n < blob.size(); ++n) {
    std::vector<DateFact> dates = {kPage[0]};
    std::string err;
    EXPECT_FALSE(DecodeExact(blob.substr(0, n), &dates, &err)) << n;
    EXPECT_TRUE(dates.empty()) << n;
    EXPECT_EQ(err.rfind("date blob: ", 0), 0u) << err;
  }
  const auto refused = [](std::string bad, const std::string& why) {
    std::vector<DateFact> dates;
    std::string err;
    EXPECT_FALSE(DecodeExact(bad, &dates, &err)) << why;
    EXPECT_NE(err.find(why), std::string::npos) << err;
  };
  refused("\x02" + blob.substr(1), "unknown format 2");
  refused(blob + "x", "1 bytes after the last date");
  refused(std::string("\x01\xff\xff\xff\x0f", 5), "bad date count");
  // The first date's field name made unknown ("title" -> "titlX").
  std::string unknown = blob;
  unknown[2 + 1 + 4] = 'X';
  refused(unknown, "date 1 of 5 cut off or corrupt");
  // A fiscal marker other than 0 or 1.
  std::string marker = EncodeDates({kPage[3]});
  const size_t at = marker.size() - 2;  // the marker, then the empty text
  ASSERT_EQ(marker[at], '\0');
  marker[at] = 2;
  refused(marker, "date 1 of 1 cut off or corrupt");
}

class DatesMigrationTest : public StoreFileTest {};

// A version 8 file: run 1 parsed the ITA page (its URL's own date, two body
// dates, a link text's date about the news page), run 2 carried its body
// dates by reference.
TEST_F(DatesMigrationTest, VersionEightBodyRowsBecomeOneRowPerHolder) {
  CreateStoreAtVersion(
      path_, 8,
      "INSERT INTO runs (id, started_at, status) VALUES (1, 'x', 'finished'),"
      " (2, 'y', 'finished');"
      "INSERT INTO pages (id, run_id, site_id, url, kind, outcome, "
      "http_status, content_hash, dates_from) VALUES "
      "(7, 1, 'laksi', 'https://laksi.go.th/ita', 'page', 'ok', 200, 'abc', "
      "NULL), (9, 2, 'laksi', 'https://laksi.go.th/ita', 'page', 'ok', 200, "
      "'abc', 7);"
      "INSERT INTO url_dates (page_id, run_id, site_id, url, field, source, "
      "fiscal_year, year_be, month, day, fiscal_marker, text) VALUES "
      "(7, 1, 'laksi', 'https://laksi.go.th/ita', 'url', 'url', 2568, 2568, "
      "0, 0, 0, '2568'),"
      "(7, 1, 'laksi', 'https://laksi.go.th/ita', 'title', 'title', 2568, "
      "2568, 0, 0, 1, 'พ.ศ. 2568'),"
      "(7, 1, 'laksi', 'https://laksi.go.th/news', 'link_text', 'link_text', "
      "2568, 2568, 3, 5, 0, '5 มี.ค. 68'),"
      "(7, 1, 'laksi', 'https://laksi.go.th/ita', 'page_text', 'page_text', "
      "2568, 2567, 10, 1, 0, '1 ต.ค. 67');");
  Open();
  ASSERT_EQ(store_->schema_version(), StoreSchemaVersion());
  {
    SQLite::Database db(path_);
    EXPECT_EQ(db.execAndGet("SELECT group_concat(field) FROM (SELECT field "
                            "FROM url_dates ORDER BY id)")
                  .getString(),
              "url,link_text")
        << "link-text and URL dates stay rows";
    EXPECT_EQ(db.execAndGet("SELECT group_concat(page_id) FROM page_dates")
                  .getString(),
              "7");
  }
  const std::vector<std::string> body = {
      "title|title|พ.ศ. 2568|2568|2568|0|0|fy|https://laksi.go.th/ita",
      "page_text|page_text|1 ต.ค. 67|2568|2567|10|1|-|https://laksi.go.th/ita"};
  StoredPage newest;
  bool found = false;
  std::string err;
  ASSERT_TRUE(store_->FindReusablePage("laksi", "https://laksi.go.th/ita",
                                       &newest, &found, &err))
      << err;
  ASSERT_TRUE(found);
  EXPECT_EQ(newest.page_id, 9);
  ASSERT_TRUE(store_->LoadPageRows(&newest, &err)) << err;
  EXPECT_EQ(Shown(newest.dates), body) << "carried by reference, in order";
  std::vector<DateFact> listed;
  ASSERT_TRUE(store_->ListDates(1, "laksi", "https://laksi.go.th/ita", &listed,
                                &err))
      << err;
  std::vector<std::string> all = {
      "url|url|2568|2568|2568|0|0|-|https://laksi.go.th/ita"};
  all.insert(all.end(), body.begin(), body.end());
  EXPECT_EQ(Shown(listed), all) << "the URL's own date, then its body's";
  ASSERT_TRUE(store_->ListDates(2, "laksi", "https://laksi.go.th/ita", &listed,
                                &err))
      << err;
  EXPECT_EQ(Shown(listed), body);
}

// A damaged page_dates row is an error naming the row, not an empty list.
TEST_F(DatesMigrationTest, DamagedRowIsAnErrorNamingIt) {
  Open();
  std::string err;
  const int64_t run = BeginRun();
  ASSERT_TRUE(store_->SavePage(run, OkPage("https://laksi.go.th/ita"), {}, {},
                               {kPage[0], kPage[2]}, &err))
      << err;
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec("UPDATE page_dates SET data = substr(data, 1, 5)");
  }
  std::vector<DateFact> listed;
  EXPECT_FALSE(store_->ListDates(run, "laksi", "https://laksi.go.th/ita",
                                 &listed, &err));
  EXPECT_NE(err.find("page_dates row"), std::string::npos) << err;
  EXPECT_NE(err.find("date blob: "), std::string::npos) << err;
}

}  // namespace
}  // namespace oitwatch
