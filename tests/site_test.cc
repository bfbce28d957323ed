#include "crawler/site.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
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

// Error of loading `yaml`, which must fail; "" (and a test failure) if it
// loads.
std::string LoadError(const std::string& yaml, std::string* path,
                      const ContactCheck& check = nullptr) {
  *path = WriteTemp(yaml);
  std::vector<Site> sites;
  std::string err;
  EXPECT_FALSE(LoadSites(*path, &sites, &err, check)) << yaml;
  return err;
}

const char kSite[] = "  - id: aa\n    name: n\n    name_en: e\n";

// yaml-cpp keeps both copies of a repeated key and `map[key]` reads the
// first: the second url, the second site list, the second document were
// silently never crawled (red team S6, S7).
TEST(SiteTest, RepeatedKeysAndSecondDocumentAreErrors) {
  const struct {
    std::string yaml;
    std::string want;
  } kCases[] = {
      {std::string("sites:\n") + kSite + "    url: http://h/a/\n" +
           "    url: http://h/b/\n",
       ":6: site: duplicate field 'url'"},
      {"sites:\n  - id: aa\n    id: bb\n    name: n\n    name_en: e\n"
       "    url: http://h/\n",
       ":3: site: duplicate field 'id'"},
      {std::string("sites:\n") + kSite + "    url: http://h/a/\nsites:\n" +
           "  - id: bb\n    name: n\n    name_en: e\n    url: http://h/b/\n",
       ":6: duplicate top-level key 'sites'"},
      {std::string("sites:\n") + kSite + "    url: http://h/a/\n---\nsites:\n" +
           "  - id: bb\n    name: n\n    name_en: e\n    url: http://h/b/\n",
       ":7: a second YAML document ('---')"},
  };
  for (const auto& c : kCases) {
    std::string path;
    const std::string err = LoadError(c.yaml, &path);
    EXPECT_EQ(err.rfind(path + c.want, 0), 0u) << err;
  }
}

// A run of no sites "finished" and said nothing was wrong (red team S8).
TEST(SiteTest, EmptySiteListIsAnError) {
  std::string path;
  const std::string err = LoadError("sites: []\n", &path);
  EXPECT_EQ(err, path + ":1: the 'sites:' list is empty");
}

// Each URL that the crawler would not fetch as written, with what is wrong.
TEST(SiteTest, UrlsTheCrawlerCannotFetchAsWrittenAreRejected) {
  const struct {
    std::string url;  // YAML scalar
    std::string want;
  } kCases[] = {
      {"http://h:0/a/", "has port '0' (expected 1-65535)"},
      {"http://h:65536/a/", "has port '65536' (expected 1-65535)"},
      {"http://h:-1/a/", "has port '-1' (expected 1-65535)"},
      {"http:///a/", "has no host"},
      {"http://:80/a/", "has no host"},
      {"http://[::1/a/", "has an unterminated [IPv6] host"},
      {"http://กทม.ไทย/a/", "has a non-ASCII host: write it in its xn-- form"},
      {"\"http://h/a b/\"", "contains whitespace or a control character"},
      {"\"http://h/a/ \"", "contains whitespace or a control character"},
      {"\"http://h/a/\\r\\nX: 1\"", "contains whitespace or a control"},
      {"\"http://h/a/\\0\"", "contains whitespace or a control character"},
      {"\"http://h/a/\\tb\"", "contains whitespace or a control character"},
      {"http://h/" + std::string(3000, 'a') + "/", "cannot be parsed as a URL"},
  };
  for (const auto& c : kCases) {
    std::string path;
    const std::string err = LoadError(
        std::string("sites:\n") + kSite + "    url: " + c.url + "\n", &path);
    EXPECT_EQ(err.rfind(path + ":5: site aa: url ", 0), 0u) << err;
    EXPECT_NE(err.find(c.want), std::string::npos) << err;
    EXPECT_EQ(err.find('\r'), std::string::npos) << "control byte printed";
    EXPECT_LT(err.size(), 600u) << "a huge URL is cut in the message";
  }
}

// user:secret@ went out as an Authorization header to the site and into
// every report; the message must not repeat the password either.
TEST(SiteTest, UrlWithUserinfoIsRejectedWithoutPrintingIt) {
  std::string path;
  const std::string err = LoadError(
      std::string("sites:\n") + kSite + "    url: http://user:secret@h/a/\n",
      &path);
  EXPECT_EQ(err.rfind(path + ":5: site aa: url has a user name or password", 0),
            0u) << err;
  EXPECT_EQ(err.find("secret"), std::string::npos) << err;
}

TEST(SiteTest, UsualUrlsStillLoad) {
  for (const std::string url :
       {"http://h/", "https://h.example:8443/a/?x=1", "http://127.0.0.1:1/a/",
        "http://[::1]:8080/a/", "https://xn--12c1bcm.xn--o3cw4h/a/",
        "https://h/สำนักงาน/", "http://h/a/#top"}) {
    std::vector<Site> sites;
    std::string err;
    EXPECT_TRUE(LoadSites(WriteTemp(std::string("sites:\n") + kSite +
                                    "    url: " + url + "\n"),
                          &sites, &err))
        << url << ": " << err;
  }
}

// The app passes the alert sender's ValidateMailbox; its verdict and reason
// are the loader's, at the contact's line (red team S15).
TEST(SiteTest, ContactCheckIsAppliedAtLoad) {
  const ContactCheck only_a_b = [](const std::string& address, std::string* err) {
    if (address == "a@b.c") return true;
    *err = "\"" + address + "\" rejected";
    return false;
  };
  std::string path;
  const std::string err = LoadError(std::string("sites:\n") + kSite +
                                        "    url: http://h/\n"
                                        "    contacts:\n      - a@b.c\n"
                                        "      - a@@b\n",
                                    &path, only_a_b);
  EXPECT_EQ(err, path + ":8: site: contact \"a@@b\" rejected");
}

// A directory made yaml-cpp throw std::ios_failure past the YAML::Exception
// handler: the process aborted (red team F2).
TEST(SiteTest, DirectoryIsNotARegularFile) {
  const std::string dir = testing::TempDir() + "site_test_a_dir";
  std::filesystem::create_directories(dir);
  std::vector<Site> sites;
  std::string err;
  EXPECT_FALSE(LoadSites(dir, &sites, &err));
  EXPECT_EQ(err, dir + ": not a regular file");
}

TEST(SiteTest, MissingFileIsAnError) {
  std::vector<Site> sites;
  std::string err;
  EXPECT_FALSE(LoadSites("/nonexistent/sites.yaml", &sites, &err));
  EXPECT_EQ(err, "/nonexistent/sites.yaml: cannot open file");
}

}  // namespace
}  // namespace oitwatch
