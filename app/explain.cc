#include "app/explain.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "app/commands.h"
#include "reports/escape.h"
#include "rules/rule_set.h"
#include "storage/store.h"

namespace oitwatch {
namespace {

// Everything explain reads, in one place.
struct Chain {
  RunInfo run;
  ItemVerdict verdict;
  std::vector<Hit> hits;
  std::map<std::string, PageRecord> pages;  // by URL
  const Item* rule = nullptr;               // null if the rule file is gone
  RuleSet rules;
};

std::string T(const std::string& s) { return TerminalSafe(s); }

bool Load(Store& store, const ExplainOptions& o, Chain* c, std::string* err) {
  int64_t run_id = o.run;
  if (run_id == 0 && !store.LatestRun(true, &run_id, err)) return false;
  if (!store.GetRun(run_id, &c->run, err)) return false;
  std::vector<ItemVerdict> verdicts;
  if (!store.ListVerdicts(run_id, o.site, &verdicts, err)) return false;
  auto it = std::find_if(verdicts.begin(), verdicts.end(),
                         [&](const ItemVerdict& v) { return v.item_id == o.item; });
  if (it == verdicts.end()) {
    *err = "no verdict for site '" + o.site + "' item '" + o.item + "' in run " +
           std::to_string(run_id) + " (check --site and --item, e.g. O15)";
    return false;
  }
  c->verdict = *it;
  if (!store.ListHits(run_id, o.site, o.item, &c->hits, err)) return false;
  std::vector<PageRecord> pages;
  if (!store.ListPages(run_id, o.site, &pages, err)) return false;
  for (PageRecord& p : pages) c->pages[p.url] = std::move(p);
  std::string ignored;
  if (LoadRuleSet(c->run.ruleset_path, &c->rules, &ignored)) {
    for (const Item& item : c->rules.items) {
      if (item.id == o.item) c->rule = &item;
    }
  }
  return true;
}

std::string ComponentTitle(const Chain& c, const std::string& id) {
  if (c.rule) {
    for (const Component& comp : c.rule->components) {
      if (comp.id == id) return comp.title + " [" + id + "] (" +
                                FreshnessName(comp.freshness) + ")";
    }
  }
  return id;
}

std::string PageStatus(const Chain& c, const std::string& url) {
  auto it = c.pages.find(url);
  if (it == c.pages.end()) return "ไม่ได้ดึง (not fetched in this run)";
  const PageRecord& p = it->second;
  std::string s = p.outcome;
  if (p.http_status) s += ", HTTP " + std::to_string(p.http_status);
  if (!p.fetched_at.empty()) s += ", fetched " + p.fetched_at;
  if (!p.error.empty()) s += ", " + p.error;
  return s;
}

void PrintHits(const Chain& c, const std::string& component,
               const std::string& url) {
  for (const Hit& h : c.hits) {
    if (h.component_id != component || h.url != url) continue;
    std::cout << (h.excluded ? "     -> ข้อความที่ตัดออก (excluded) \""
                             : "     -> ข้อความที่ตรง (matched) \"")
              << T(h.matched) << "\" in " << FieldName(h.field);
    if (!h.found_on.empty() && h.found_on != url) {
      std::cout << " on " << T(h.found_on);
    }
    std::cout << " (rule line " << h.pattern_line << ")\n";
  }
}

void PrintDates(Store& store, const Chain& c, const std::string& site,
                const std::string& url) {
  std::vector<DateFact> dates;
  std::string err;
  if (!store.ListDates(c.run.id, site, url, &dates, &err) || dates.empty()) {
    std::cout << "     -> วันที่ (dates): none read\n";
    return;
  }
  size_t shown = 0;
  for (const DateFact& d : dates) {
    if (++shown > 8) break;
    std::cout << "     -> วันที่ (date) \"" << T(d.text) << "\" from " << d.source
              << ": FY" << d.fiscal_year << (d.fiscal_marker ? " (marked)" : "")
              << "\n";
  }
  if (dates.size() > 8) std::cout << "     ... " << dates.size() - 8 << " more\n";
}

void PrintEvidence(Store& store, const Chain& c, const std::string& site) {
  for (const EvidenceRef& e : c.verdict.evidence) {
    std::cout << "\n  องค์ประกอบ (component): " << T(ComponentTitle(c, e.component_id))
              << "\n";
    if (!e.found_on.empty()) std::cout << "     หน้า (page) " << T(e.found_on) << "\n";
    std::cout << "     -> หลักฐาน (evidence) " << T(e.url) << "\n"
              << "        " << T(PageStatus(c, e.url)) << "\n";
    PrintHits(c, e.component_id, e.url);
    PrintDates(store, c, site, e.url);
    std::cout << "     => " << T(e.state);
    if (!e.date.empty() || e.fiscal_year) {
      std::cout << " (date " << (e.date.empty() ? "-" : T(e.date));
      if (e.fiscal_year) std::cout << ", FY" << e.fiscal_year;
      if (!e.date_source.empty()) std::cout << ", from " << T(e.date_source);
      std::cout << ")";
    }
    std::cout << "\n";
  }
}

// " (excluded: "<text>" in link_text)" if a hit of `h`'s URL and component
// is an exclusion (the judge then drops the URL from it), else "".
std::string ExcludedNote(const Chain& c, const Hit& h) {
  for (const Hit& x : c.hits) {
    if (x.excluded && x.url == h.url && x.component_id == h.component_id) {
      return " (excluded: \"" + T(x.matched) + "\" in " + FieldName(x.field) +
             ")";
    }
  }
  return "";
}

void PrintOtherCandidates(const Chain& c) {
  std::vector<std::string> shown;
  for (const EvidenceRef& e : c.verdict.evidence) shown.push_back(e.url);
  size_t n = 0;
  for (const Hit& h : c.hits) {
    if (std::find(shown.begin(), shown.end(), h.url) != shown.end()) continue;
    if (n == 0) std::cout << "\nผู้สมัครอื่น (other candidates):\n";
    if (++n > 20) continue;
    shown.push_back(h.url);
    std::cout << "  " << h.component_id << ": " << T(h.url) << " — "
              << T(PageStatus(c, h.url)) << ExcludedNote(c, h) << "\n";
  }
  if (n > 20) std::cout << "  ... " << n - 20 << " more\n";
}

}  // namespace

int ExplainCommand(const ExplainOptions& o) {
  if (!std::filesystem::exists(o.db)) {
    std::cerr << "oitwatch explain: no database at " << o.db << "\n";
    return kExitUsage;
  }
  std::string err;
  std::unique_ptr<Store> store = Store::Open(o.db, &err);
  Chain c;
  if (!store || !Load(*store, o, &c, &err)) {
    std::cerr << "oitwatch explain: " << err << "\n";
    return err.find("no verdict") == 0 ? kExitUsage : kExitError;
  }
  const ItemVerdict& v = c.verdict;
  std::cout << v.item_id << " " << T(v.title) << "\n"
            << "สถานะ (status): " << ItemStatusName(v.status) << "\n"
            << "เหตุผล (reason): " << T(v.reason) << "\n"
            << "ชุดเกณฑ์ (rules): " << c.run.ruleset_id << " " << c.run.ruleset_version
            << ", FY" << c.run.fiscal_year << ", as of " << c.run.as_of << ", run #"
            << c.run.id << " (" << c.run.status << ")\n";
  for (const std::string& m : v.missing_components) {
    std::cout << "ขาด (missing component): " << T(m) << "\n";
  }
  for (const std::string& m : v.missing_months) {
    std::cout << "ขาดเดือน (missing month): " << T(m) << "\n";
  }
  PrintEvidence(*store, c, o.site);
  PrintOtherCandidates(c);
  return kExitOk;
}

}  // namespace oitwatch
