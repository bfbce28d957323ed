// A site to check: one district office's website, loaded from a YAML list.
// Thread-compatible plain values.
#ifndef OITWATCH_CRAWLER_SITE_H_
#define OITWATCH_CRAWLER_SITE_H_

#include <string>
#include <vector>

namespace oitwatch {

struct Site {
  std::string id;        // stable slug, e.g. "laksi"
  std::string name;      // Thai name, e.g. "สำนักงานเขตหลักสี่"
  std::string name_en;   // English name
  std::string url;       // start URL; its path prefix is the site's scope
  std::vector<std::string> contacts;  // webmaster e-mail addresses
  bool unverified = false;            // slug not confirmed by a 2nd source
  std::string note;
  // URLs fetched whatever the links say (the committee's pinned evidence
  // URLs); filled by the app from the overrides file, not from the YAML.
  std::vector<std::string> pinned_urls;
};

// Loads a `sites:` list (id, name, name_en, url, optional contacts,
// unverified, note). Returns false with "FILE:LINE: what is wrong" in *err
// on a missing field, a duplicate id, a non-http(s) URL or bad YAML.
bool LoadSites(const std::string& path, std::vector<Site>* sites,
               std::string* err);

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_SITE_H_
