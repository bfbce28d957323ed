#include "reports/report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/test_process.h"
#include "tests/test_reports.h"

namespace oitwatch {
namespace {

ItemVerdict Verdict(const std::string& id, ItemStatus status,
                    const std::string& title) {
  ItemVerdict v;
  v.item_id = id;
  v.status = status;
  v.title = title;
  return v;
}

EvidenceRef Evidence() {
  return SampleEvidence("structure",
                        "https://www.bangkok.go.th/laksi/ita/2568/O1.pdf",
                        "https://www.bangkok.go.th/laksi/page/ita",
                        "โครงสร้างหน่วยงาน ปีงบประมาณ พ.ศ. ๒๕๖๘");
}

SiteRunInfo SiteRun(const std::string& id, const std::string& state,
                    const std::string& reason) {
  SiteRunInfo info;
  info.site_id = id;
  info.state = state;
  info.reason = reason;
  return info;
}

// A real store file in a fresh temp dir, holding one finished run with:
// laksi (checked: O1 pass, O2 partial, O3 missing), bangkhen (unchecked,
// 403) and dusit (left "pending", with verdicts the judge never finished).
class ReportTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_FALSE(dir_.empty());
    std::string err;
    store_ = Store::Open(dir_ + "/oitwatch.db", &err);
    ASSERT_NE(store_, nullptr) << err;
    ASSERT_TRUE(store_->BeginRun(SampleRunInfo("2025-04-10"), &run_id_, &err))
        << err;
    AddSite("laksi", "สำนักงานเขตหลักสี่", "Lak Si District Office");
    AddSite("bangkhen", "สำนักงานเขตบางเขน", "Bang Khen District Office");
    AddSite("dusit", "สำนักงานเขตดุสิต", "Dusit District Office");
    AddSite("pathumwan", "สำนักงานเขตปทุมวัน", "Pathum Wan District Office");
    SaveResults();
    ASSERT_TRUE(store_->FinishRun(run_id_, "finished", &err)) << err;
  }

  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    EXPECT_FALSE(ec) << ec.message();
  }

  void AddSite(const std::string& id, const std::string& name,
               const std::string& name_en) {
    std::string err;
    SiteRow row{id, name, name_en, "https://www.bangkok.go.th/" + id, {}};
    ASSERT_TRUE(store_->UpsertSite(row, &err)) << err;
  }

  void SaveResults() {
    std::string err;
    ItemVerdict o1 = Verdict("O1", ItemStatus::kPass, "โครงสร้าง");
    o1.evidence.push_back(Evidence());
    ItemVerdict o2 = Verdict("O2", ItemStatus::kPartial, "ข้อมูลผู้บริหาร");
    o2.reason = "ขาด 1 องค์ประกอบ";
    o2.missing_components = {"ช่องทางติดต่อ"};
    ItemVerdict o3 = Verdict("O3", ItemStatus::kMissing, "อำนาจหน้าที่");
    SiteRunInfo laksi = SiteRun("laksi", "checked", "");
    laksi.pages = 12;
    laksi.documents = 3;
    ASSERT_TRUE(store_->SaveSiteResult(run_id_, laksi, {o1, o2, o3}, &err))
        << err;
    ASSERT_TRUE(store_->SaveSiteResult(
        run_id_, SiteRun("bangkhen", "unchecked", "HTTP 403 (Cloudflare)"),
        {Verdict("O1", ItemStatus::kUnchecked, "โครงสร้าง")}, &err))
        << err;
    ASSERT_TRUE(store_->SaveSiteResult(
        run_id_, SiteRun("dusit", "pending", ""),
        {Verdict("O1", ItemStatus::kMissing, "โครงสร้าง")}, &err))
        << err;
  }

  Report Build(const std::string& site_id) {
    Report report;
    std::string err;
    EXPECT_TRUE(BuildReport(*store_, run_id_, site_id, &report, &err)) << err;
    return report;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  int64_t run_id_ = 0;
};

TEST_F(ReportTest, CarriesTheRunHeader) {
  Report r = Build("");
  EXPECT_EQ(r.ruleset, "bma-district");
  EXPECT_EQ(r.ruleset_version, "2568.1");
  EXPECT_EQ(r.fiscal_year, 2568);
  EXPECT_EQ(r.as_of, "2025-04-10");
  EXPECT_EQ(r.run_id, run_id_);
  EXPECT_EQ(r.run_status, "finished");
  EXPECT_FALSE(r.started_at.empty());
  EXPECT_FALSE(r.finished_at.empty());
  EXPECT_EQ(r.sites.size(), 3u);  // pathumwan has no result in this run
}

TEST_F(ReportTest, CheckedSiteHasItemsInOrderScoreAndEvidence) {
  Report r = Build("laksi");
  ASSERT_EQ(r.sites.size(), 1u);
  const SiteReport& s = r.sites[0];
  EXPECT_EQ(s.name, "สำนักงานเขตหลักสี่");
  EXPECT_EQ(s.name_en, "Lak Si District Office");
  EXPECT_EQ(s.url, "https://www.bangkok.go.th/laksi");
  EXPECT_EQ(s.state, "checked");
  EXPECT_EQ(s.pages, 12);
  EXPECT_EQ(s.documents, 3);
  ASSERT_EQ(s.items.size(), 3u);
  EXPECT_EQ(s.items[0].id, "O1");
  EXPECT_EQ(s.items[1].status, "partial");
  EXPECT_EQ(s.items[1].missing_components,
            std::vector<std::string>{"ช่องทางติดต่อ"});
  EXPECT_EQ(s.items[2].status, "missing");
  ASSERT_EQ(s.items[0].evidence.size(), 1u);
  EXPECT_EQ(s.items[0].evidence[0].text, Evidence().text);
  EXPECT_EQ(s.items[0].evidence[0].fiscal_year, 2568);
  ASSERT_TRUE(s.score.has_value());
  EXPECT_DOUBLE_EQ(*s.score, 33.33);
}

TEST_F(ReportTest, UncheckedSiteHasNoScoreAndOnlyUncheckedItems) {
  Report r = Build("bangkhen");
  ASSERT_EQ(r.sites.size(), 1u);
  const SiteReport& s = r.sites[0];
  EXPECT_EQ(s.state, "unchecked");
  EXPECT_EQ(s.reason, "HTTP 403 (Cloudflare)");
  EXPECT_FALSE(s.score.has_value());
  EXPECT_EQ(s.count("missing"), 0);
  EXPECT_EQ(s.count("unchecked"), 1);
}

TEST_F(ReportTest, SiteLeftPendingIsUncheckedNeverMissing) {
  Report r = Build("dusit");
  ASSERT_EQ(r.sites.size(), 1u);
  const SiteReport& s = r.sites[0];
  EXPECT_EQ(s.state, "unchecked");
  EXPECT_NE(s.reason.find("did not finish"), std::string::npos) << s.reason;
  ASSERT_EQ(s.items.size(), 1u);
  EXPECT_EQ(s.items[0].status, "unchecked");
  EXPECT_FALSE(s.score.has_value());
}

// Red-team probe H01: the host was dropped after the start page, so the
// crawl stored the site "checked" with every item unchecked. No item could be
// judged: the site is reported unchecked with the crawl's reason and no score
// (not 0, which would drag the average down), like a failed start page; each
// item keeps its own reason.
TEST_F(ReportTest, CheckedSiteWithNoItemJudgedIsUncheckedWithoutScore) {
  std::string err;
  int64_t run = 0;
  ASSERT_TRUE(store_->BeginRun(SampleRunInfo("2025-04-11"), &run, &err)) << err;
  ItemVerdict o1 = Verdict("O1", ItemStatus::kUnchecked, "โครงสร้าง");
  o1.reason = "ตรวจ https://www.bangkok.go.th/laksi/p/0 ไม่ได้";
  ItemVerdict o2 = Verdict("O2", ItemStatus::kUnchecked, "ข้อมูลผู้บริหาร");
  o2.reason = "ตรวจไม่ครบ (crawl incomplete: host dropped)";
  SiteRunInfo laksi = SiteRun(
      "laksi", "checked", "host dropped after 12 consecutive failed fetches");
  laksi.pages = 1;
  ASSERT_TRUE(store_->SaveSiteResult(run, laksi, {o1, o2}, &err)) << err;
  ASSERT_TRUE(store_->FinishRun(run, "finished", &err)) << err;
  Report r;
  ASSERT_TRUE(BuildReport(*store_, run, "laksi", &r, &err)) << err;
  ASSERT_EQ(r.sites.size(), 1u);
  const SiteReport& s = r.sites[0];
  EXPECT_EQ(s.state, "unchecked");
  EXPECT_FALSE(s.score.has_value()) << *s.score;
  EXPECT_NE(s.reason.find("host dropped after 12 consecutive failed fetches"),
            std::string::npos)
      << s.reason;
  EXPECT_NE(s.reason.find("no item could be checked"), std::string::npos)
      << s.reason;
  EXPECT_EQ(s.count("unchecked"), 2);
  EXPECT_EQ(s.items[0].reason, o1.reason) << "the item's own reason stays";
  EXPECT_EQ(s.pages, 1);
  // Its last check is the earlier run, where O1 passed.
  ASSERT_TRUE(s.last_checked.has_value());
  EXPECT_EQ(s.last_checked->run_id, run_id_);
  EXPECT_EQ(s.last_checked->passed, 1);
}

// A site where nothing was judged is not a "last check" of a later report.
TEST_F(ReportTest, RunWithNoItemJudgedIsNotALastCheck) {
  std::string err;
  int64_t empty_run = 0, run = 0;
  ASSERT_TRUE(store_->BeginRun(SampleRunInfo("2025-04-11"), &empty_run, &err));
  ASSERT_TRUE(store_->SaveSiteResult(
      empty_run, SiteRun("laksi", "checked", "host dropped"),
      {Verdict("O1", ItemStatus::kUnchecked, "โครงสร้าง")}, &err))
      << err;
  ASSERT_TRUE(store_->FinishRun(empty_run, "finished", &err)) << err;
  ASSERT_TRUE(store_->BeginRun(SampleRunInfo("2025-04-12"), &run, &err));
  ASSERT_TRUE(store_->SaveSiteResult(
      run, SiteRun("laksi", "unchecked", "HTTP 403"),
      {Verdict("O1", ItemStatus::kUnchecked, "โครงสร้าง")}, &err))
      << err;
  ASSERT_TRUE(store_->FinishRun(run, "finished", &err)) << err;
  Report r;
  ASSERT_TRUE(BuildReport(*store_, run, "laksi", &r, &err)) << err;
  ASSERT_TRUE(r.sites.at(0).last_checked.has_value());
  EXPECT_EQ(r.sites[0].last_checked->run_id, run_id_);
  ASSERT_TRUE(r.sites[0].last_checked->score.has_value());
  EXPECT_DOUBLE_EQ(*r.sites[0].last_checked->score, 33.33);
}

// A partly checked site stays checked; its unchecked items count as not
// passed (the score is never inflated), and the report model knows how many.
TEST_F(ReportTest, PartlyCheckedSiteKeepsAConservativeScore) {
  std::string err;
  int64_t run = 0;
  ASSERT_TRUE(store_->BeginRun(SampleRunInfo("2025-04-11"), &run, &err)) << err;
  ASSERT_TRUE(store_->SaveSiteResult(
      run, SiteRun("laksi", "checked", ""),
      {Verdict("O1", ItemStatus::kPass, "โครงสร้าง"),
       Verdict("O2", ItemStatus::kUnchecked, "ข้อมูลผู้บริหาร"),
       Verdict("O3", ItemStatus::kUnchecked, "อำนาจหน้าที่")},
      &err))
      << err;
  ASSERT_TRUE(store_->FinishRun(run, "finished", &err)) << err;
  Report r;
  ASSERT_TRUE(BuildReport(*store_, run, "laksi", &r, &err)) << err;
  const SiteReport& s = r.sites.at(0);
  EXPECT_EQ(s.state, "checked");
  ASSERT_TRUE(s.score.has_value());
  EXPECT_DOUBLE_EQ(*s.score, 33.33);
  EXPECT_EQ(s.count("unchecked"), 2);
}

TEST_F(ReportTest, UnknownRunIsAnError) {
  Report r;
  std::string err;
  EXPECT_FALSE(BuildReport(*store_, run_id_ + 41, "", &r, &err));
  EXPECT_NE(err.find("no run " + std::to_string(run_id_ + 41)),
            std::string::npos)
      << err;
}

TEST_F(ReportTest, UnknownSiteIsAnError) {
  Report r;
  std::string err;
  EXPECT_FALSE(BuildReport(*store_, run_id_, "atlantis", &r, &err));
  EXPECT_NE(err.find("atlantis"), std::string::npos) << err;
}

TEST_F(ReportTest, SiteWithoutResultInRunIsAnError) {
  Report r;
  std::string err;
  EXPECT_FALSE(BuildReport(*store_, run_id_, "pathumwan", &r, &err));
  EXPECT_NE(err.find("'pathumwan' is not in run"), std::string::npos) << err;
}

TEST_F(ReportTest, StoreIsWritableAfterAReport) {
  Build("");  // the snapshot must be closed again
  int64_t next = 0;
  std::string err;
  EXPECT_TRUE(store_->BeginRun(RunInfo{}, &next, &err)) << err;
  EXPECT_GT(next, run_id_);
}

SiteReport CheckedSite(int passing, int failing) {
  SiteReport site;
  site.state = "checked";
  for (int i = 0; i < passing + failing; ++i) {
    ItemReport item;
    item.status = i < passing ? "pass" : "missing";
    site.items.push_back(item);
  }
  return site;
}

TEST(PredictedScoreTest, IsPassShareRoundedToTwoDecimals) {
  EXPECT_DOUBLE_EQ(*PredictedScore(CheckedSite(8, 3)), 72.73);
  EXPECT_DOUBLE_EQ(*PredictedScore(CheckedSite(2, 1)), 66.67);
  EXPECT_DOUBLE_EQ(*PredictedScore(CheckedSite(22, 0)), 100.0);
  EXPECT_DOUBLE_EQ(*PredictedScore(CheckedSite(0, 22)), 0.0);
}

TEST(PredictedScoreTest, IsNulloptForUncheckedSite) {
  SiteReport site = CheckedSite(5, 0);
  site.state = "unchecked";
  EXPECT_FALSE(PredictedScore(site).has_value());
}

TEST(PredictedScoreTest, IsNulloptWhenNoItemCouldBeJudged) {
  SiteReport site = CheckedSite(0, 3);
  for (ItemReport& item : site.items) item.status = "unchecked";
  EXPECT_FALSE(PredictedScore(site).has_value());
  site.items[0].status = "not_applicable";
  EXPECT_FALSE(PredictedScore(site).has_value());
}

TEST(PredictedScoreTest, UncheckedItemIsNeverAPass) {
  SiteReport site = CheckedSite(1, 2);
  site.items[1].status = "unchecked";
  ASSERT_TRUE(PredictedScore(site).has_value());
  EXPECT_DOUBLE_EQ(*PredictedScore(site), 33.33);
}

TEST(PredictedScoreTest, IsNulloptWithoutItems) {
  EXPECT_FALSE(PredictedScore(CheckedSite(0, 0)).has_value());
}

TEST(PredictedScoreTest, LeavesNotApplicableItemsOut) {
  SiteReport site = CheckedSite(3, 1);
  site.items.back().status = "not_applicable";
  ASSERT_TRUE(PredictedScore(site).has_value());
  EXPECT_DOUBLE_EQ(*PredictedScore(site), 100.0) << "3 pass of 3 applicable";
}

TEST(SiteReportTest, CountsItemsByStatus) {
  SiteReport site = CheckedSite(3, 2);
  EXPECT_EQ(site.count("pass"), 3);
  EXPECT_EQ(site.count("missing"), 2);
  EXPECT_EQ(site.count("stale"), 0);
  EXPECT_EQ(ReportStatuses().size(), 7u);
  EXPECT_EQ(ReportStatuses().back(), "not_applicable");
}

}  // namespace
}  // namespace oitwatch
