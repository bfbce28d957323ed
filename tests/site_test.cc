#include "crawler/site.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

namespace oitwatch {
namespace {

// Writes `text` to a fresh file in a unique temp directory.
std::string WriteTemp(const std::string& text) {
  std::string dir = testing::TempDir() + "site_test_XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) return "";
  const std::string path = dir + "/sites.yaml";
  std::ofstream(path) << text;
  return path;
}

const char kTwoSites[] =
    "sites:\n"
    "  - id: laksi\n"
    "    name: สำนักงานเขตหลักสี่\n"
    "    name_en: Lak Si District Office\n"
    "    url: https://webportal.bangkok.go.th/laksi/coverpages\n"
    "    contacts: [webmaster@laksi.example]\n"
    "  - id: dusit\n"
    "    name: สำนักงานเขตดุสิต\n"
    "    name_en: Dusit District Office\n"
    "    url: https://webportal.bangkok.go.th/dusit/\n"
    "    unverified: true\n"
    "    note: \"RTGS spelling\"\n";

TEST(SiteTest, LoadsSitesWithThaiNames) {
  std::vector<Site> sites;
  std::string err;
  ASSERT_TRUE(LoadSites(WriteTemp(kTwoSites), &sites, &err)) << err;
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_EQ(sites[0].id, "laksi");
  EXPECT_EQ(sites[0].name, "สำนักงานเขตหลักสี่");
  EXPECT_EQ(sites[0].url, "https://webportal.bangkok.go.th/laksi/coverpages");
  ASSERT_EQ(sites[0].contacts.size(), 1u);
  EXPECT_EQ(sites[0].contacts[0], "webmaster@laksi.example");
  EXPECT_FALSE(sites[0].unverified);
  EXPECT_TRUE(sites[1].unverified);
  EXPECT_EQ(sites[1].note, "RTGS spelling");
}

TEST(SiteTest, LoadsTheShippedDistrictList) {
  std::vector<Site> sites;
  std::string err;
  ASSERT_TRUE(
      LoadSites(OITWATCH_SOURCE_DIR "/config/bma-districts.yaml", &sites, &err))
      << err;
  EXPECT_EQ(sites.size(), 50u);
}

// Each bad file must fail with "FILE:LINE: ..." naming the problem.
TEST(SiteTest, BadFilesGiveLocatedErrors) {
  const std::string base =
      "sites:\n  - id: laksi\n    name: n\n    name_en: e\n";
  const struct {
    std::string yaml;
    std::string want;  // expected after the file name
  } kCases[] = {
      {base + "    url: ftp://h/laksi/\n",
       ":5: site laksi: url 'ftp://h/laksi/' is not http(s)"},
      {"sites:\n  - id: laksi\n    name: n\n    url: http://h/\n",
       ":2: site: missing 'name_en'"},
      {base + "    url: http://h/a/\n" +
           "  - id: laksi\n    name: n\n    name_en: e\n    url: http://h/b/\n",
       ":6: site: duplicate id 'laksi'"},
      {base + "    url: http://h/\n    contact: [a@b]\n",
       ":6: site: unknown field 'contact'"},
      {base + "    url: http://h/\n    unverified: maybe\n",
       ":6: site: 'unverified' must be true or false"},
      {base + "    url: http://h/\n    contacts: [not-an-address]\n",
       ":6: site: contact 'not-an-address' is not an e-mail address"},
      {"sites:\n  - id: Lak Si\n    name: n\n    name_en: e\n    url: "
       "http://h/\n",
       ":2: site: id 'Lak Si' must be a lower-case slug"},
      {"site:\n  - id: x\n", ":1: expected a top-level 'sites:' list"},
      {"sites:\n  - id: [unclosed\n", ":"},
  };
  for (const auto& c : kCases) {
    const std::string path = WriteTemp(c.yaml);
    std::vector<Site> sites;
    std::string err;
    EXPECT_FALSE(LoadSites(path, &sites, &err)) << c.yaml;
    EXPECT_EQ(err.rfind(path + c.want, 0), 0u) << "got: " << err << "\nfor:\n"
                                               << c.yaml;
  }
}

TEST(SiteTest, MissingFileIsAnError) {
  std::vector<Site> sites;
  std::string err;
  EXPECT_FALSE(LoadSites("/nonexistent/sites.yaml", &sites, &err));
  EXPECT_EQ(err, "/nonexistent/sites.yaml: cannot open file");
}

}  // namespace
}  // namespace oitwatch
