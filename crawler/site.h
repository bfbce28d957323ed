// A site to check: one district office's website, loaded from a YAML list.
// Thread-compatible plain values.
#ifndef OITWATCH_CRAWLER_SITE_H_
#define OITWATCH_CRAWLER_SITE_H_

#include <functional>
#include <string>
#include <vector>

namespace oitwatch {

struct Site {
  std::string id;        // stable slug, e.g. "laksi"
  std::string name;      // Thai name, e.g. "สำนักงานเขตหลักสี่"
  std::string name_en;   // English name
  std::string url;       // start URL; its path prefix is the site's scope
                         // (and ITA indexes outside it: index_scope.h)
  std::vector<std::string> contacts;  // webmaster e-mail addresses
  bool unverified = false;            // slug not confirmed by a 2nd source
  std::string note;
  // URLs fetched whatever the links say (the committee's pinned evidence
  // URLs); filled by the app from the overrides file, not from the YAML.
  std::vector<std::string> pinned_urls;
};

// Checks one contact address; false with the reason in *err. The app passes
// the alert sender's own check (reports/alert_message.h ValidateMailbox),
// which this library cannot depend on.
using ContactCheck =
    std::function<bool(const std::string& address, std::string* err)>;

// Loads a `sites:` list (id, name, name_en, url, optional contacts,
// unverified, note) from a file holding one YAML document. Returns false
// with "FILE:LINE: what is wrong" in *err on a missing, unknown or repeated
// field, a repeated top-level key, a second document, an empty list, a
// duplicate id, bad YAML, a path that is not a regular file, or a URL the
// crawler would not fetch as written: not http(s), not normalisable
// (crawler/url.h), with user:password@, a port outside 1-65535, no host, a
// non-ASCII host (use its xn-- form), whitespace or control characters.
// Each contact must contain '@' and pass `check_contact` when given.
bool LoadSites(const std::string& path, std::vector<Site>* sites,
               std::string* err, const ContactCheck& check_contact = nullptr);

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_SITE_H_
