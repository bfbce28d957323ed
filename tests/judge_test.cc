// JudgeSite: one test per rule of the verdict (see the table in judge.cc).
// URL facts and hits are built by hand; FY2568 is assessed as of 15 Mar 2025.
#include "rules/judge.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace oitwatch {
namespace {

constexpr JudgeContext kMarch2025{2568, 2025, 3, 15};

Component MakeComponent(const std::string& id, Freshness freshness,
                        bool external_ok = false) {
  Component c;
  c.id = id;
  c.title = "องค์ประกอบ" + id;
  c.freshness = freshness;
  c.external_ok = external_ok;
  c.patterns.push_back(Pattern{Field::kLinkText, id, 1});
  return c;
}

RuleSet OneItem(std::vector<Component> components) {
  RuleSet rules;
  rules.id = "test";
  rules.fiscal_year = 2568;
  Item item;
  item.id = "O5";
  item.title = "แผนปฏิบัติราชการประจำปี";
  item.components = std::move(components);
  rules.items.push_back(item);
  return rules;
}

DateFact Year(const std::string& source, int fy, bool marker = false) {
  DateFact d;
  ParseField(source, &d.field);
  d.source = source;
  d.fiscal_year = fy;
  d.year_be = fy;
  d.fiscal_marker = marker;
  return d;
}

// A month-level fact: `year_be` is the calendar year.
DateFact MonthOf(const std::string& source, int year_be, int month) {
  DateFact d = Year(source, month >= 10 ? year_be + 1 : year_be);
  d.year_be = year_be;
  d.month = month;
  return d;
}

UrlFacts Fetched(const std::string& url, std::vector<DateFact> dates = {},
                 UrlKind kind = UrlKind::kDocument) {
  UrlFacts f;
  f.url = url;
  f.kind = kind;
  f.fetched = true;
  f.ok = true;
  f.http_status = 200;
  f.outcome = "ok";
  f.dates = std::move(dates);
  return f;
}

UrlFacts Failed(const std::string& url, const std::string& outcome,
                int status) {
  UrlFacts f = Fetched(url);
  f.ok = false;
  f.outcome = outcome;
  f.http_status = status;
  f.fetched = outcome != "skipped" && outcome != "robots_disallowed";
  return f;
}

Hit HitOf(const std::string& component, const std::string& url,
          const std::string& found_on = "https://d.example/ita") {
  Hit h;
  h.item_id = "O5";
  h.component_id = component;
  h.url = url;
  h.found_on = found_on;
  h.field = Field::kLinkText;
  h.matched = "แผนปฏิบัติราชการ";
  return h;
}

ItemVerdict JudgeOne(const RuleSet& rules, const std::vector<UrlFacts>& facts,
                     const std::vector<Hit>& hits,
                     const JudgeContext& context = kMarch2025) {
  std::vector<ItemVerdict> verdicts = JudgeSite(rules, context, facts, hits);
  EXPECT_EQ(verdicts.size(), 1u);
  return verdicts.empty() ? ItemVerdict{} : verdicts[0];
}

const char kPlan[] = "https://d.example/ita/plan.pdf";
const char kReport[] = "https://d.example/ita/report.pdf";

TEST(JudgeTest, CurrentPlanPasses) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  ItemVerdict v =
      JudgeOne(rules, {Fetched(kPlan, {Year("link_text", 2568, true)})},
               {HitOf("plan", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kPass) << v.reason;
  EXPECT_EQ(v.item_id, "O5");
  EXPECT_EQ(v.title, "แผนปฏิบัติราชการประจำปี");
  ASSERT_EQ(v.evidence.size(), 1u);
  EXPECT_EQ(v.evidence[0].url, kPlan);
  EXPECT_EQ(v.evidence[0].state, "ok");
  EXPECT_EQ(v.evidence[0].fiscal_year, 2568);
  EXPECT_EQ(v.evidence[0].date_source, "link_text");
  EXPECT_EQ(v.evidence[0].field, "link_text");
}

// Red-team probe F03: a scanned plan (no text layer) dated by its link
// passes, and the reason asks for a look.
TEST(JudgeTest, PassOnAScannedDocumentAsksForAReview) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  UrlFacts scan = Fetched(kPlan, {Year("link_text", 2568, true)});
  scan.needs_review = true;
  ItemVerdict v = JudgeOne(rules, {scan}, {HitOf("plan", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kPass) << v.reason;
  EXPECT_NE(v.reason.find(std::string("check by eye: ") + kPlan +
                          " is a scan without text"),
            std::string::npos)
      << v.reason;
  ItemVerdict text = JudgeOne(
      rules, {Fetched(kPlan, {Year("link_text", 2568, true)})},
      {HitOf("plan", kPlan)});
  EXPECT_EQ(text.reason.find("check by eye"), std::string::npos) << text.reason;
}

TEST(JudgeTest, StalePlanOfPreviousYearIsStaleNotPass) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  ItemVerdict v =
      JudgeOne(rules, {Fetched(kPlan, {Year("link_text", 2567, true)})},
               {HitOf("plan", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kStale);
  EXPECT_NE(v.reason.find("found FY2567, need FY2568"), std::string::npos)
      << v.reason;
  EXPECT_NE(v.reason.find("2567"), std::string::npos);
  ASSERT_EQ(v.evidence.size(), 1u);
  EXPECT_EQ(v.evidence[0].state, "stale");
}

// Red-team probe Y7: next year's plan (or a mistyped later year) is not the
// assessed year's plan; the assessor needs FY2568's.
TEST(JudgeTest, LaterFiscalYearIsNotTheAssessedOne) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  ItemVerdict v = JudgeOne(rules, {Fetched(kPlan, {Year("title", 2569)})},
                           {HitOf("plan", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kStale) << v.reason;
  EXPECT_NE(v.reason.find("found FY2569, need FY2568"), std::string::npos)
      << v.reason;
}

TEST(JudgeTest, PreviousFyFreshnessTable) {
  struct Case {
    int fy;
    ItemStatus want;
  } cases[] = {{2567, ItemStatus::kPass},    // the report of FY-1
               {2568, ItemStatus::kPass},    // published early
               {2566, ItemStatus::kStale},   // two years old
               {2569, ItemStatus::kStale}};  // a later year (probe Y7b)
  RuleSet rules = OneItem({MakeComponent("report", Freshness::kPreviousFy)});
  for (const Case& c : cases) {
    ItemVerdict v =
        JudgeOne(rules, {Fetched(kReport, {Year("doc_text", c.fy)})},
                 {HitOf("report", kReport)});
    EXPECT_EQ(v.status, c.want) << "FY" << c.fy << ": " << v.reason;
  }
}

TEST(JudgeTest, FirstHalfNeedsTheAssessedYear) {
  RuleSet rules = OneItem({MakeComponent("stats", Freshness::kFirstHalf)});
  for (int fy : {2567, 2569}) {
    ItemVerdict v = JudgeOne(rules, {Fetched(kReport, {Year("title", fy)})},
                             {HitOf("stats", kReport)});
    EXPECT_EQ(v.status, ItemStatus::kStale) << "FY" << fy;
  }
  ItemVerdict v = JudgeOne(rules, {Fetched(kReport, {Year("title", 2568)})},
                           {HitOf("stats", kReport)});
  EXPECT_EQ(v.status, ItemStatus::kPass) << v.reason;
}

TEST(JudgeTest, NoDateNeverPassesAYearRule) {
  for (Freshness f : {Freshness::kCurrentFy, Freshness::kPreviousFy,
                      Freshness::kFirstHalf, Freshness::kMonthly}) {
    RuleSet rules = OneItem({MakeComponent("plan", f)});
    ItemVerdict v = JudgeOne(rules, {Fetched(kPlan)}, {HitOf("plan", kPlan)});
    EXPECT_EQ(v.status, ItemStatus::kStale) << FreshnessName(f);
    ASSERT_EQ(v.evidence.size(), 1u);
    EXPECT_EQ(v.evidence[0].state, "no_date");
  }
}

TEST(JudgeTest, LastModifiedAloneNeverPasses) {
  DateFact modified = MonthOf("last_modified", 2568, 1);
  modified.day = 10;
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  ItemVerdict v =
      JudgeOne(rules, {Fetched(kPlan, {modified})}, {HitOf("plan", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kStale);
  EXPECT_NE(v.reason.find("no FY2568 date"), std::string::npos) << v.reason;
}

TEST(JudgeTest, InForceNeedsNoDateButShowsOne) {
  DateFact modified = MonthOf("last_modified", 2567, 5);
  modified.day = 2;
  RuleSet rules = OneItem({MakeComponent("structure", Freshness::kInForce)});
  ItemVerdict v = JudgeOne(rules, {Fetched(kPlan, {modified})},
                           {HitOf("structure", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kPass) << v.reason;
  ASSERT_EQ(v.evidence.size(), 1u);
  EXPECT_EQ(v.evidence[0].date, "2024-05-02");
  EXPECT_EQ(v.evidence[0].date_source, "last_modified");
}

TEST(JudgeTest, LiveLinkPassesWhenItResolves) {
  RuleSet rules = OneItem({MakeComponent("eservice", Freshness::kLive, true)});
  const std::string url = "https://service.bangkok.go.th/";
  ItemVerdict v = JudgeOne(rules, {Fetched(url, {}, UrlKind::kExternal)},
                           {HitOf("eservice", url)});
  EXPECT_EQ(v.status, ItemStatus::kPass) << v.reason;
}

TEST(JudgeTest, PlaceholderPageIsNotEvidence) {
  UrlFacts page = Fetched("https://d.example/ita/o5",
                          {Year("title", 2568, true)}, UrlKind::kPage);
  page.placeholder = true;
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  ItemVerdict v = JudgeOne(rules, {page}, {HitOf("plan", page.url)});
  EXPECT_EQ(v.status, ItemStatus::kMissing);
  EXPECT_NE(v.reason.find(page.url), std::string::npos) << v.reason;
  ASSERT_EQ(v.evidence.size(), 1u);
  EXPECT_EQ(v.evidence[0].state, "placeholder");
}

TEST(JudgeTest, OtherDistrictPageNeverCounts) {
  const std::string other = "https://portal.example/other-district/plan.pdf";
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy, true)});
  ItemVerdict v = JudgeOne(
      rules,
      {Fetched(other, {Year("link_text", 2568, true)}, UrlKind::kOtherSite)},
      {HitOf("plan", other)});
  EXPECT_EQ(v.status, ItemStatus::kMissing);
  EXPECT_TRUE(v.evidence.empty());
}

TEST(JudgeTest, ExternalHostCountsOnlyWhenExternalOk) {
  const std::string ext = "https://www.facebook.com/district/plan";
  std::vector<UrlFacts> facts = {
      Fetched(ext, {Year("link_text", 2568, true)}, UrlKind::kExternal)};
  ItemVerdict no =
      JudgeOne(OneItem({MakeComponent("plan", Freshness::kCurrentFy)}), facts,
               {HitOf("plan", ext)});
  EXPECT_EQ(no.status, ItemStatus::kMissing);
  ItemVerdict yes =
      JudgeOne(OneItem({MakeComponent("plan", Freshness::kCurrentFy, true)}),
               facts, {HitOf("plan", ext)});
  EXPECT_EQ(yes.status, ItemStatus::kPass) << yes.reason;
}

TEST(JudgeTest, NoHitIsMissing) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  ItemVerdict v = JudgeOne(rules, {Fetched(kPlan)}, {});
  EXPECT_EQ(v.status, ItemStatus::kMissing);
  EXPECT_NE(v.reason.find("no evidence found"), std::string::npos);
  EXPECT_EQ(v.missing_components, std::vector<std::string>{"องค์ประกอบplan"});
}

TEST(JudgeTest, HitsOfOtherItemsAreIgnored) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  Hit other = HitOf("plan", kPlan);
  other.item_id = "O6";
  ItemVerdict v =
      JudgeOne(rules, {Fetched(kPlan, {Year("title", 2568)})}, {other});
  EXPECT_EQ(v.status, ItemStatus::kMissing);
}

TEST(JudgeTest, BrokenLinkIsBroken) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  for (int status : {404, 410, 500}) {
    ItemVerdict v = JudgeOne(rules, {Failed(kPlan, "http_error", status)},
                             {HitOf("plan", kPlan)});
    EXPECT_EQ(v.status, ItemStatus::kBroken) << status;
    EXPECT_NE(v.reason.find(kPlan), std::string::npos) << v.reason;
    EXPECT_NE(v.reason.find("HTTP " + std::to_string(status)),
              std::string::npos)
        << v.reason;
    ASSERT_EQ(v.evidence.size(), 1u);
    EXPECT_EQ(v.evidence[0].state, "broken");
  }
}

TEST(JudgeTest, RedirectLoopAndBadCertificateAreBroken) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  for (const char* outcome : {"too_many_redirects", "tls_error"}) {
    ItemVerdict v =
        JudgeOne(rules, {Failed(kPlan, outcome, 0)}, {HitOf("plan", kPlan)});
    EXPECT_EQ(v.status, ItemStatus::kBroken) << outcome;
    EXPECT_NE(v.reason.find(outcome), std::string::npos) << v.reason;
  }
}

TEST(JudgeTest, TimeoutGivesUncheckedNotMissing) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  struct Case {
    const char* outcome;
    int status;
  } cases[] = {{"timeout", 0},           {"rate_limited", 429},
               {"blocked", 403},         {"connect_error", 0},
               {"dns_error", 0},         {"skipped", 0},
               {"robots_disallowed", 0}, {"http_error", 503}};
  for (const Case& c : cases) {
    ItemVerdict v = JudgeOne(rules, {Failed(kPlan, c.outcome, c.status)},
                             {HitOf("plan", kPlan)});
    EXPECT_EQ(v.status, ItemStatus::kUnchecked) << c.outcome;
    EXPECT_NE(v.reason.find(kPlan), std::string::npos) << v.reason;
  }
}

// Red team rtpdf B02-B06: a PDF the sandboxed reader gave up on came back
// 200 but was not read: unchecked with the reader's reason, never pass on
// its link text alone, never broken (a browser may open it).
TEST(JudgeTest, PdfTooComplexToReadIsUncheckedWithTheReason) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  UrlFacts plan = Fetched(kPlan, {Year("link_text", 2568)});
  MarkTooComplex("PDF too complex to read safely (stopped after 20 s)", &plan);
  ItemVerdict v = JudgeOne(rules, {plan}, {HitOf("plan", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kUnchecked);
  EXPECT_NE(v.reason.find(std::string(kPlan) +
                          ": PDF too complex to read safely (stopped after "
                          "20 s)"),
            std::string::npos)
      << v.reason;
  ASSERT_EQ(v.evidence.size(), 1u);
  EXPECT_EQ(v.evidence[0].state, "unfetched");
}

TEST(JudgeTest, HitWithoutFactsIsTreatedAsNeverFetched) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  ItemVerdict v = JudgeOne(rules, {}, {HitOf("plan", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kUnchecked);
  EXPECT_NE(v.reason.find("not fetched"), std::string::npos) << v.reason;
}

TEST(JudgeTest, UncheckedOnlyIfNoOtherComponentIsMissing) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy),
                           MakeComponent("report", Freshness::kPreviousFy)});
  ItemVerdict v =
      JudgeOne(rules, {Failed(kPlan, "timeout", 0)}, {HitOf("plan", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kPartial);
  EXPECT_EQ(v.missing_components, std::vector<std::string>{"องค์ประกอบreport"});
}

TEST(JudgeTest, OkCandidateBeatsBrokenOne) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  const std::string old_link = "https://d.example/old/plan.pdf";
  ItemVerdict v = JudgeOne(rules,
                           {Failed(old_link, "http_error", 404),
                            Fetched(kPlan, {Year("link_text", 2568)})},
                           {HitOf("plan", old_link), HitOf("plan", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kPass) << v.reason;
  EXPECT_EQ(v.evidence[0].url, kPlan);
}

TEST(JudgeTest, BrokenComponentOutranksUncheckedOne) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy),
                           MakeComponent("report", Freshness::kPreviousFy)});
  ItemVerdict v = JudgeOne(
      rules, {Failed(kPlan, "http_error", 404), Failed(kReport, "timeout", 0)},
      {HitOf("plan", kPlan), HitOf("report", kReport)});
  EXPECT_EQ(v.status, ItemStatus::kBroken) << v.reason;
}

TEST(JudgeTest, PartialListsMissingComponents) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy),
                           MakeComponent("report", Freshness::kPreviousFy)});
  ItemVerdict v = JudgeOne(rules, {Fetched(kPlan, {Year("link_text", 2568)})},
                           {HitOf("plan", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kPartial);
  EXPECT_EQ(v.missing_components, std::vector<std::string>{"องค์ประกอบreport"});
  EXPECT_NE(v.reason.find("missing report"), std::string::npos) << v.reason;
}

TEST(JudgeTest, FoundButOneComponentStaleIsStale) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy),
                           MakeComponent("report", Freshness::kPreviousFy)});
  ItemVerdict v = JudgeOne(rules,
                           {Fetched(kPlan, {Year("link_text", 2568)}),
                            Fetched(kReport, {Year("link_text", 2565)})},
                           {HitOf("plan", kPlan), HitOf("report", kReport)});
  EXPECT_EQ(v.status, ItemStatus::kStale);
  EXPECT_NE(v.reason.find("found FY2565, need FY2567"), std::string::npos)
      << v.reason;
  EXPECT_EQ(v.evidence.size(), 2u);
}

TEST(JudgeTest, StaleFindWithUnfetchedAlternativeIsUnchecked) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  ItemVerdict v = JudgeOne(rules,
                           {Fetched(kPlan, {Year("link_text", 2567)}),
                            Failed(kReport, "timeout", 0)},
                           {HitOf("plan", kPlan), HitOf("plan", kReport)});
  EXPECT_EQ(v.status, ItemStatus::kUnchecked) << v.reason;
  EXPECT_NE(v.reason.find("found FY2567"), std::string::npos) << v.reason;
  EXPECT_NE(v.reason.find(std::string("could not fetch ") + kReport),
            std::string::npos)
      << v.reason;
}

TEST(JudgeTest, FileNameYearBeatsFolderYear) {
  const std::string url = "https://d.example/ITA/2568/O05/Plan_2567.pdf";
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  ItemVerdict v =
      JudgeOne(rules, {Fetched(url, {Year("url", 2568), Year("url", 2567)})},
               {HitOf("plan", url)});
  EXPECT_EQ(v.status, ItemStatus::kStale) << v.reason;
}

TEST(JudgeTest, LinkTextDateBeatsPageText) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  ItemVerdict v = JudgeOne(rules,
                           {Fetched(kPlan, {Year("page_text", 2568, true),
                                            Year("link_text", 2567)})},
                           {HitOf("plan", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kStale) << v.reason;
  EXPECT_EQ(v.evidence[0].date_source, "link_text");
}

TEST(JudgeTest, FiscalMarkerBeatsLaterYearInSameField) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  ItemVerdict v = JudgeOne(
      rules,
      {Fetched(kPlan, {Year("doc_text", 2567, true), Year("doc_text", 2568)})},
      {HitOf("plan", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kStale) << v.reason;
}

TEST(JudgeTest, LatestYearWinsAmongMarkedFacts) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  ItemVerdict v = JudgeOne(rules,
                           {Fetched(kPlan, {Year("doc_text", 2567, true),
                                            Year("doc_text", 2568, true)})},
                           {HitOf("plan", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kPass) << v.reason;
}

// Last year's plan re-linked as this year's: the link text says 2568, the
// PDF itself "ประจำปีงบประมาณ พ.ศ. 2567". The assessor reads the file: stale,
// never a pass, and the reason says why.
TEST(JudgeTest, LinkNamingANewerYearThanTheDocumentIsStaleNotPass) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  DateFact in_pdf = Year("doc_text", 2567, true);
  in_pdf.text = "ประจำปีงบประมาณ พ.ศ. 2567";
  ItemVerdict v = JudgeOne(
      rules, {Fetched(kPlan, {Year("link_text", 2568, true), in_pdf})},
      {HitOf("plan", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kStale) << v.reason;
  ASSERT_EQ(v.evidence.size(), 1u);
  EXPECT_EQ(v.evidence[0].date_source, "doc_text");
  EXPECT_EQ(v.evidence[0].fiscal_year, 2567);
  EXPECT_NE(v.reason.find("the link says FY2568, the document itself FY2567"),
            std::string::npos)
      << v.reason;
  EXPECT_NE(v.reason.find("ประจำปีงบประมาณ พ.ศ. 2567"), std::string::npos)
      << v.reason;
  for (const char* source : {"title", "headings", "pdf_meta"}) {
    ItemVerdict w = JudgeOne(
        rules, {Fetched(kPlan, {Year("link_text", 2568, true),
                                Year(source, 2567, true)})},
        {HitOf("plan", kPlan)});
    EXPECT_EQ(w.status, ItemStatus::kStale) << source << ": " << w.reason;
  }
}

// The link's year stands when the document names it too (a 2568 plan that
// also names 2567), names no year with a marker, or only its URL or a
// page's running text names an older year; and when the link is older.
TEST(JudgeTest, LinkYearStandsUnlessTheDocumentContradictsIt) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  const std::vector<std::vector<DateFact>> passes = {
      {Year("link_text", 2568, true), Year("doc_text", 2567, true),
       Year("doc_text", 2568, true)},
      {Year("link_text", 2568, true), Year("doc_text", 2567)},
      {Year("link_text", 2568, true), Year("page_text", 2567, true)},
      {Year("link_text", 2568), Year("title", 2568, true),
       Year("doc_text", 2567, true)},
  };
  for (const std::vector<DateFact>& dates : passes) {
    ItemVerdict v =
        JudgeOne(rules, {Fetched(kPlan, dates)}, {HitOf("plan", kPlan)});
    EXPECT_EQ(v.status, ItemStatus::kPass) << v.reason;
  }
  ItemVerdict older = JudgeOne(
      rules,
      {Fetched(kPlan, {Year("link_text", 2567, true), Year("doc_text", 2568, true)})},
      {HitOf("plan", kPlan)});
  EXPECT_EQ(older.status, ItemStatus::kStale) << "the link text decides";
  EXPECT_EQ(older.reason.find("the link says"), std::string::npos)
      << older.reason;
}

TEST(JudgeTest, SiteDocumentPreferredOverExternalCopy) {
  const std::string ext = "https://drive.example/plan.pdf";
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy, true)});
  ItemVerdict v =
      JudgeOne(rules,
               {Fetched(ext, {Year("link_text", 2568)}, UrlKind::kExternal),
                Fetched(kPlan, {Year("link_text", 2568)})},
               {HitOf("plan", ext), HitOf("plan", kPlan)});
  ASSERT_EQ(v.evidence.size(), 1u);
  EXPECT_EQ(v.evidence[0].url, kPlan);
}

TEST(JudgeTest, LinkedFromMorePagesPreferred) {
  const std::string other = "https://d.example/ita/plan-copy.pdf";
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  ItemVerdict v = JudgeOne(
      rules,
      {Fetched(kPlan, {Year("link_text", 2568)}),
       Fetched(other, {Year("link_text", 2568)})},
      {HitOf("plan", kPlan), HitOf("plan", other, "https://d.example/"),
       HitOf("plan", other, "https://d.example/ita")});
  EXPECT_EQ(v.evidence[0].url, other);
}

std::vector<DateFact> Months(std::vector<std::pair<int, int>> months) {
  std::vector<DateFact> out;
  for (auto [year, month] : months)
    out.push_back(MonthOf("link_text", year, month));
  return out;
}

TEST(JudgeTest, MonthlySummariesListMissingMonths) {
  RuleSet rules = OneItem({MakeComponent("summary", Freshness::kMonthly)});
  ItemVerdict v =
      JudgeOne(rules,
               {Fetched("https://d.example/10.pdf", Months({{2567, 10}})),
                Fetched("https://d.example/11.pdf", Months({{2567, 11}})),
                Fetched("https://d.example/01.pdf", Months({{2568, 1}}))},
               {HitOf("summary", "https://d.example/10.pdf"),
                HitOf("summary", "https://d.example/11.pdf"),
                HitOf("summary", "https://d.example/01.pdf")});
  EXPECT_EQ(v.status, ItemStatus::kPartial) << v.reason;
  EXPECT_EQ(v.missing_months, (std::vector<std::string>{"2024-12", "2025-02"}));
  ASSERT_EQ(v.evidence.size(), 3u);  // one per month found
  EXPECT_EQ(v.evidence[0].date, "2024-10");
  EXPECT_EQ(v.evidence[2].url, "https://d.example/01.pdf");
}

TEST(JudgeTest, MonthlyAllMonthsDuePresentPasses) {
  RuleSet rules = OneItem({MakeComponent("summary", Freshness::kMonthly)});
  const std::string list = "https://d.example/summary";
  ItemVerdict v = JudgeOne(
      rules,
      {Fetched(
          list,
          Months({{2567, 10}, {2567, 11}, {2567, 12}, {2568, 1}, {2568, 2}}),
          UrlKind::kPage)},
      {HitOf("summary", list)});
  EXPECT_EQ(v.status, ItemStatus::kPass) << v.reason;
  EXPECT_TRUE(v.missing_months.empty());
  EXPECT_EQ(v.evidence.size(), 5u);
}

TEST(JudgeTest, MonthlyNeedsNoMonthInOctober) {
  RuleSet rules = OneItem({MakeComponent("summary", Freshness::kMonthly)});
  ItemVerdict v =
      JudgeOne(rules, {Fetched(kPlan, {Year("title", 2568, true)})},
               {HitOf("summary", kPlan)}, JudgeContext{2568, 2024, 10, 20});
  EXPECT_EQ(v.status, ItemStatus::kPass) << v.reason;
}

TEST(JudgeTest, MonthlyRequiredMonthsStopAtSeptember) {
  RuleSet rules = OneItem({MakeComponent("summary", Freshness::kMonthly)});
  ItemVerdict v =
      JudgeOne(rules, {Fetched(kPlan, Months({{2567, 10}}))},
               {HitOf("summary", kPlan)}, JudgeContext{2568, 2025, 12, 1});
  EXPECT_EQ(v.status, ItemStatus::kPartial);
  ASSERT_EQ(v.missing_months.size(), 11u);
  EXPECT_EQ(v.missing_months.back(), "2025-09");
}

TEST(JudgeTest, MonthlyOfOlderYearOnlyIsStale) {
  RuleSet rules = OneItem({MakeComponent("summary", Freshness::kMonthly)});
  ItemVerdict v =
      JudgeOne(rules, {Fetched(kPlan, Months({{2566, 10}, {2566, 11}}))},
               {HitOf("summary", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kStale) << v.reason;
}

TEST(JudgeTest, MonthlyYearWithoutMonthsDoesNotPass) {
  RuleSet rules = OneItem({MakeComponent("summary", Freshness::kMonthly)});
  ItemVerdict v = JudgeOne(rules, {Fetched(kPlan, {Year("title", 2568, true)})},
                           {HitOf("summary", kPlan)});
  EXPECT_EQ(v.status, ItemStatus::kStale) << v.reason;
  ASSERT_EQ(v.evidence.size(), 1u);
  EXPECT_EQ(v.evidence[0].state, "no_date");
  EXPECT_NE(v.reason.find("no month of FY2568"), std::string::npos) << v.reason;
}

TEST(JudgeTest, VerdictsFollowRuleOrder) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  Item second = rules.items[0];
  second.id = "O1";
  rules.items.push_back(second);
  std::vector<ItemVerdict> v = JudgeSite(rules, kMarch2025, {}, {});
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].item_id, "O5");
  EXPECT_EQ(v[1].item_id, "O1");
}

TEST(JudgeTest, UncheckedVerdictsMarkEveryItem) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  rules.items.push_back(rules.items[0]);
  rules.items[1].id = "O6";
  std::vector<ItemVerdict> v = UncheckedVerdicts(rules, "HTTP 403 (blocked)");
  ASSERT_EQ(v.size(), 2u);
  for (const ItemVerdict& verdict : v) {
    EXPECT_EQ(verdict.status, ItemStatus::kUnchecked);
    EXPECT_EQ(verdict.reason, "HTTP 403 (blocked)");
    EXPECT_EQ(verdict.title, "แผนปฏิบัติราชการประจำปี");
  }
}

TEST(ItemStatusTest, NamesRoundTrip) {
  for (ItemStatus s :
       {ItemStatus::kPass, ItemStatus::kPartial, ItemStatus::kStale,
        ItemStatus::kMissing, ItemStatus::kBroken, ItemStatus::kUnchecked}) {
    ItemStatus parsed;
    ASSERT_TRUE(ParseItemStatus(ItemStatusName(s), &parsed))
        << ItemStatusName(s);
    EXPECT_EQ(parsed, s);
  }
  ItemStatus parsed;
  EXPECT_FALSE(ParseItemStatus("found", &parsed));
  EXPECT_STREQ(ItemStatusName(ItemStatus::kUnchecked), "unchecked");
}

TEST(JudgeTest, FolderYearIsNotTheDocumentsYear) {
  // A FY2567 plan left in the /ITA/2568/ folder: the folder names the
  // assessment's year, the document its own.
  const std::string url = "https://d.example/public/ITA/2568/plan.pdf";
  DateFact folder = Year("url", 2568);
  folder.text = "2568";
  folder.url = url;
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  ItemVerdict v = JudgeOne(
      rules, {Fetched(url, {folder, Year("doc_text", 2567, true)})},
      {HitOf("plan", url)});
  EXPECT_EQ(v.status, ItemStatus::kStale) << v.reason;
  // With no other date (a scan), the folder year alone never passes.
  ItemVerdict scan = JudgeOne(rules, {Fetched(url, {folder})}, {HitOf("plan", url)});
  EXPECT_EQ(scan.status, ItemStatus::kStale) << scan.reason;
  // A year in the file name is the document's year.
  const std::string named = "https://d.example/public/ITA/2568/Plan_2568.pdf";
  DateFact file = Year("url", 2568);
  file.text = "2568";
  file.url = named;
  ItemVerdict ok = JudgeOne(rules, {Fetched(named, {file})}, {HitOf("plan", named)});
  EXPECT_EQ(ok.status, ItemStatus::kPass) << ok.reason;
}

TEST(JudgeTest, SidebarHeadingOnEveryPageIsNotEvidence) {
  RuleSet rules = OneItem({MakeComponent("channel", Freshness::kInForce)});
  std::vector<UrlFacts> facts;
  std::vector<Hit> hits;
  for (int i = 0; i < 4; ++i) {
    const std::string page = "https://d.example/sathon/p" + std::to_string(i);
    facts.push_back(Fetched(page, {}, UrlKind::kPage));
    Hit h = HitOf("channel", page, page);
    h.field = Field::kHeadings;
    h.matched = "ร้องเรียนการทุจริต";
    hits.push_back(h);
  }
  EXPECT_EQ(JudgeOne(rules, facts, hits).status, ItemStatus::kMissing)
      << "a heading on all 4 pages is a sidebar";
  hits.resize(1);  // the heading of one page out of 4 names that page
  EXPECT_EQ(JudgeOne(rules, facts, hits).status, ItemStatus::kPass);
}

// The pipeline passes the facts of the URLs its hits name and the count of
// the site's fetched pages: the verdict is the one all the facts give.
TEST(JudgeTest, SitePagesCountStandsForTheFactsLeftOut) {
  RuleSet rules = OneItem({MakeComponent("channel", Freshness::kInForce)});
  std::vector<UrlFacts> all;
  for (int i = 0; i < 8; ++i) {
    all.push_back(Fetched("https://d.example/sathon/p" + std::to_string(i),
                          {}, UrlKind::kPage));
  }
  std::vector<Hit> hits;
  for (int i = 0; i < 3; ++i) {  // a heading on 3 pages of 8: not chrome
    Hit h = HitOf("channel", all[i].url, all[i].url);
    h.field = Field::kHeadings;
    h.matched = "ร้องเรียนการทุจริต";
    hits.push_back(h);
  }
  const std::vector<UrlFacts> named(all.begin(), all.begin() + 3);
  EXPECT_EQ(JudgeOne(rules, all, hits).status, ItemStatus::kPass);
  EXPECT_EQ(JudgeSite(rules, kMarch2025, named, hits, all.size())[0].status,
            ItemStatus::kPass);
  EXPECT_EQ(JudgeOne(rules, named, hits).status, ItemStatus::kMissing)
      << "counted from the 3 named pages alone, the heading is on all";
}

// Red-team probes F1-F3: the only link to Action_Plan_2568_6M.pdf says
// "รายงานผล ... รอบ 6 เดือน", which the plan excludes; its file name still
// matches the plan's url pattern. The link text names the document: not the
// plan, whatever the file name says.
TEST(JudgeTest, ExclusionInLinkTextDropsTheUrlForTheComponent) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  Hit by_name = HitOf("plan", kPlan);
  by_name.field = Field::kUrl;
  by_name.matched = "Action_Plan";
  Hit excluded = HitOf("plan", kPlan);
  excluded.matched = "รายงาน";
  excluded.excluded = true;
  const UrlFacts facts = Fetched(kPlan, {Year("link_text", 2568, true)});
  EXPECT_EQ(JudgeOne(rules, {facts}, {by_name}).status, ItemStatus::kPass)
      << "without the exclusion the file name alone credits the plan";
  ItemVerdict v = JudgeOne(rules, {facts}, {by_name, excluded});
  EXPECT_EQ(v.status, ItemStatus::kMissing) << v.reason;
  EXPECT_TRUE(v.evidence.empty());
  // Whatever the order the hits came in.
  EXPECT_EQ(JudgeOne(rules, {facts}, {excluded, by_name}).status,
            ItemStatus::kMissing);
}

// An exclusion holds for its own component only: the 6-month report that is
// not the plan is still looked at by the report component.
TEST(JudgeTest, ExclusionLeavesOtherComponentsAlone) {
  RuleSet rules =
      OneItem({MakeComponent("plan", Freshness::kCurrentFy),
               MakeComponent("report", Freshness::kCurrentFy)});
  Hit excluded = HitOf("plan", kReport);
  excluded.excluded = true;
  ItemVerdict v = JudgeOne(
      rules,
      {Fetched(kPlan, {Year("link_text", 2568, true)}),
       Fetched(kReport, {Year("link_text", 2568, true)})},
      {HitOf("plan", kPlan), HitOf("report", kReport), excluded});
  EXPECT_EQ(v.status, ItemStatus::kPass) << v.reason;
  ASSERT_EQ(v.evidence.size(), 2u);
}

// A document whose own text names it the report is not the plan even when
// a page links it as the plan.
TEST(JudgeTest, ExclusionInDocumentTextBeatsAPlanLink) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy)});
  Hit excluded = HitOf("plan", kPlan, "");
  excluded.field = Field::kDocText;
  excluded.excluded = true;
  ItemVerdict v =
      JudgeOne(rules, {Fetched(kPlan, {Year("link_text", 2568, true)})},
               {HitOf("plan", kPlan), excluded});
  EXPECT_EQ(v.status, ItemStatus::kMissing) << v.reason;
}

// Red-team probe F3: Spending_Plan_Q2_2568.pdf is linked only as "รายงานผล
// การใช้จ่ายงบประมาณ ไตรมาสที่ 2" (the report component's words, which the
// plan's link patterns do not match): the file name alone does not make it
// the plan. A page's headings keep crediting (a hub page holds several).
TEST(JudgeTest, FileNameDoesNotCreditWhenTheLinkNamesAnotherComponent) {
  RuleSet rules = OneItem({MakeComponent("plan", Freshness::kCurrentFy),
                           MakeComponent("report", Freshness::kCurrentFy)});
  Hit by_name = HitOf("plan", kPlan);
  by_name.field = Field::kUrl;
  Hit as_report = HitOf("report", kPlan);
  as_report.excluded = true;  // "ไตรมาส": not the annual report either
  const UrlFacts facts = Fetched(kPlan, {Year("link_text", 2568, true)});
  EXPECT_EQ(JudgeOne(rules, {facts}, {by_name}).status, ItemStatus::kPartial);
  ItemVerdict v = JudgeOne(rules, {facts}, {by_name, as_report});
  EXPECT_EQ(v.status, ItemStatus::kMissing) << v.reason;
  // Linked elsewhere as the plan too: the file name stands with it.
  Hit as_plan = HitOf("plan", kPlan, "https://d.example/plans");
  EXPECT_EQ(JudgeOne(rules, {facts}, {by_name, as_report, as_plan}).status,
            ItemStatus::kPartial);
  Hit heading = by_name;
  heading.field = Field::kHeadings;
  EXPECT_EQ(JudgeOne(rules, {facts}, {heading, as_report}).status,
            ItemStatus::kPartial);
}

}  // namespace
}  // namespace oitwatch
